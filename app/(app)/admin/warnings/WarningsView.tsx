"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  Alert,
  App,
  Button,
  Card,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Segmented,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
  type TableColumnsType,
} from "antd";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { useState } from "react";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";
import type { OrderFigure } from "@/db/schema/improvement";
import type { WarningRule, WarningStatus } from "@/db/schema/warnings";
import type { WarningKindId } from "@/server/warnings/kinds";
import { useTRPC } from "../../../_components/trpc";

type Out = inferRouterOutputs<AppRouter>["warnings"];
type Row = Out["list"]["items"][number];
type Version = Out["rules"]["versions"][number];

const STATUSES = ["open", "converted", "dismissed", "cleared"] as const satisfies readonly WarningStatus[];
const STATUS_COLOR: Record<WarningStatus, string> = { open: "red", converted: "blue", dismissed: "default", cleared: "green" };
// Every figure a warning's evidence and an order are measured by (OrderFigure), named by
// figures.<figure>: a figure added to OrderFigure does not compile until it is listed here.
const FIGURES = {
  teacher_composite: true,
  response_rate: true,
  observation_score: true,
  student_score: true,
} as const satisfies Record<OrderFigure["figure"], true>;
type Figure = keyof typeof FIGURES;
const PARAMS = ["threshold", "share", "amount", "floor"] as const;
type Param = (typeof PARAMS)[number];

export function WarningsView() {
  const t = useTranslations("improvement.warnings");
  return (
    <Space orientation="vertical" size={12} style={{ width: "100%" }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t("title")}
      </Typography.Title>
      <Tabs
        items={[
          { key: "warnings", label: t("page.warnings"), children: <WarningList /> },
          { key: "rules", label: t("page.rules"), children: <RuleSets /> },
        ]}
      />
    </Space>
  );
}

function WarningList() {
  const t = useTranslations("improvement.warnings");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [status, setStatus] = useState<WarningStatus>("open");
  const [page, setPage] = useState(1);
  const [dismissing, setDismissing] = useState<Row | null>(null);
  const [note, setNote] = useState("");
  const list = useQuery(trpc.warnings.list.queryOptions({ status, page, pageSize: 50 }));
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: trpc.warnings.pathKey() });
  };
  const onError = (e: { message: string }) => {
    void message.error(e.message);
  };
  const convert = useMutation(
    trpc.warnings.convert.mutationOptions({
      onSuccess: (r) => {
        void message.success(t("page.converted", { id: r.orderId }));
        refresh();
      },
      onError,
    }),
  );
  const dismiss = useMutation(
    trpc.warnings.dismiss.mutationOptions({
      onSuccess: () => {
        setDismissing(null);
        setNote("");
        refresh();
      },
      onError,
    }),
  );
  const num = (x: unknown) => (typeof x === "number" ? String(x) : "");
  const columns: TableColumnsType<Row> = [
    { title: t("page.rule"), dataIndex: "rule_name" },
    {
      title: t("page.subject"),
      key: "subject",
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={0}>
          {r.teacher_name && (
            <span>
              {r.teacher_name} <Typography.Text type="secondary">{r.teacher_number}</Typography.Text>
            </span>
          )}
          {r.course_code && (
            <Typography.Text type="secondary">
              {r.course_code} {r.course_name}
              {r.section_code ? ` · ${r.section_code}` : ""}
            </Typography.Text>
          )}
        </Space>
      ),
    },
    { title: t("page.term"), dataIndex: "term_code" },
    { title: t("page.unit"), dataIndex: "unit_name" },
    {
      title: t("page.evidence"),
      key: "evidence",
      render: (_: unknown, r) => {
        const e = r.evidence;
        return (
          <Space orientation="vertical" size={0} data-testid="warning-evidence">
            <span>
              {Object.hasOwn(FIGURES, e.figure) ? t(`figures.${e.figure as Figure}`) : e.figure}: <b>{e.value}</b> (n = {e.n}
              {e.eligible != null ? `, ${t("page.eligible", { eligible: num(e.eligible) })}` : ""})
            </span>
            <Typography.Text type="secondary">
              {t("page.threshold")}: {e.threshold}
            </Typography.Text>
            {e.drop != null && (
              <Typography.Text type="secondary">
                {t("page.drop", { drop: num(e.drop), previous: num(e.previous), interval: num(e.interval) })}
              </Typography.Text>
            )}
            {e.rank != null && <Typography.Text type="secondary">{t("page.rank", { rank: num(e.rank), of: num(e.of) })}</Typography.Text>}
          </Space>
        );
      },
    },
    {
      title: t("page.status"),
      dataIndex: "status",
      render: (s: WarningStatus, r) => (
        <Space orientation="vertical" size={0}>
          <Tag color={STATUS_COLOR[s]}>{t(`statuses.${s}`)}</Tag>
          {r.order_id && (
            <Link href={`/improvement/${r.order_id}`} data-testid="warning-order">
              {t("page.order")} #{r.order_id}
            </Link>
          )}
          {r.note && <Typography.Text type="secondary">{r.note}</Typography.Text>}
        </Space>
      ),
    },
    {
      title: "",
      key: "actions",
      render: (_: unknown, r) =>
        r.status === "open" && (
          <Space wrap>
            <Popconfirm title={t("page.convert")} onConfirm={() => convert.mutate({ warningId: r.id })}>
              <Button size="small" type="primary" data-testid="warning-convert" loading={convert.isPending}>
                {t("page.convert")}
              </Button>
            </Popconfirm>
            <Button size="small" onClick={() => setDismissing(r)} data-testid="warning-dismiss">
              {t("page.dismiss")}
            </Button>
          </Space>
        ),
    },
  ];
  return (
    <Space orientation="vertical" size={12} style={{ width: "100%" }}>
      <Segmented<WarningStatus>
        value={status}
        onChange={(v) => {
          setStatus(v);
          setPage(1);
        }}
        options={STATUSES.map((s) => ({ value: s, label: t(`statuses.${s}`) }))}
      />
      {list.error && <Alert type="error" showIcon title={list.error.message} />}
      <Table<Row>
        rowKey="id"
        size="small"
        data-testid="warnings"
        columns={columns}
        dataSource={list.data?.items ?? []}
        loading={list.isFetching}
        scroll={{ x: true }}
        pagination={{ current: page, pageSize: 50, total: list.data?.total ?? 0, onChange: setPage, showSizeChanger: false }}
      />
      <Modal
        open={!!dismissing}
        title={t("page.dismiss")}
        onCancel={() => setDismissing(null)}
        okButtonProps={{ disabled: !note.trim(), loading: dismiss.isPending }}
        onOk={() => dismissing && dismiss.mutate({ warningId: dismissing.id, note })}
      >
        <Input.TextArea
          rows={3}
          maxLength={2000}
          placeholder={t("page.reason")}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          data-testid="dismiss-note"
        />
      </Modal>
    </Space>
  );
}

type Draft = { key: string; name: string; kind: string; params: Record<string, number>; action: "review" | "direct"; deadlineDays: number };

function RuleSets() {
  const t = useTranslations("improvement.warnings");
  const tc = useTranslations("common");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const sets = useQuery(trpc.warnings.rules.queryOptions());
  const [draft, setDraft] = useState<Draft[] | null>(null);
  const [approving, setApproving] = useState<Version | null>(null);
  const [note, setNote] = useState("");
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: trpc.warnings.pathKey() });
  };
  const onError = (e: { message: string }) => {
    void message.error(e.message);
  };
  const create = useMutation(
    trpc.warnings.createRules.mutationOptions({
      onSuccess: (r) => {
        void message.success(t(r.status === "created" ? "page.saved" : "page.unchanged", { version: r.version }));
        setDraft(null);
        refresh();
      },
      onError,
    }),
  );
  const approve = useMutation(
    trpc.warnings.approveRules.mutationOptions({
      onSuccess: () => {
        setApproving(null);
        setNote("");
        refresh();
      },
      onError,
    }),
  );
  const retire = useMutation(trpc.warnings.retireRules.mutationOptions({ onSuccess: refresh, onError }));
  const kinds = sets.data?.kinds ?? [];
  const versions = sets.data?.versions ?? [];
  const inForce = versions.find((v) => v.status === "approved");
  const kindLabel = (k: string) => t(`kinds.${k as WarningKindId}`);
  const paramLabel = (p: string) => ((PARAMS as readonly string[]).includes(p) ? t(`params.${p as Param}`) : p);
  const edit = () => setDraft((versions[0]?.rules ?? []).map((r: WarningRule) => ({ ...r, params: { ...r.params } })));
  const update = (i: number, patch: Partial<Draft>) => setDraft((d) => d && d.map((r, k) => (k === i ? { ...r, ...patch } : r)));

  const versionColumns: TableColumnsType<Version> = [
    {
      title: t("page.version"),
      dataIndex: "version",
      render: (v: number, r) => (
        <Space>
          v{v}
          {r.id === inForce?.id && <Tag color="green">{t("page.inForce")}</Tag>}
        </Space>
      ),
    },
    {
      title: t("page.status"),
      dataIndex: "status",
      render: (s: Version["status"]) => <span style={{ whiteSpace: "nowrap" }}>{tc(`lifecycle.${s}`)}</span>,
    },
    { title: t("page.approvedBy"), dataIndex: "approvedByName" },
    { title: t("page.approvedAt"), dataIndex: "approvedAt", render: (d: Date | null) => (d ? new Date(d).toLocaleString() : "") },
    { title: t("page.note"), dataIndex: "approvalNote" },
    {
      title: t("page.rules"),
      key: "rules",
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={0}>
          {r.rules.map((x: WarningRule) => (
            <span key={x.key}>
              <b>{x.name}</b>{" "}
              <Typography.Text type="secondary">
                {kindLabel(x.kind)} ·{" "}
                {Object.entries(x.params)
                  .map(([k, v]) => `${paramLabel(k)} ${v}`)
                  .join(", ")}{" "}
                · {t(`actions.${x.action}`)}
              </Typography.Text>
            </span>
          ))}
        </Space>
      ),
    },
    {
      title: "",
      key: "actions",
      render: (_: unknown, r) => (
        <Space>
          {r.status === "draft" && (
            <Button size="small" type="primary" data-testid="rules-approve" onClick={() => setApproving(r)}>
              {t("page.approve")}
            </Button>
          )}
          {r.status !== "retired" && (
            <Popconfirm title={t("page.retire")} onConfirm={() => retire.mutate({ id: r.id })}>
              <Button size="small" danger>
                {t("page.retire")}
              </Button>
            </Popconfirm>
          )}
        </Space>
      ),
    },
  ];

  return (
    <Space orientation="vertical" size={12} style={{ width: "100%" }}>
      {sets.error && <Alert type="error" showIcon title={sets.error.message} />}
      {!inForce && !sets.isLoading && <Alert type="info" showIcon title={t("page.noRules")} />}
      <Table<Version>
        rowKey="id"
        size="small"
        data-testid="rule-versions"
        columns={versionColumns}
        dataSource={versions}
        loading={sets.isFetching}
        pagination={false}
        scroll={{ x: true }}
      />
      {!draft && (
        <Button onClick={edit} data-testid="rules-edit">
          {t("page.newVersion")}
        </Button>
      )}
      {draft && (
        <Card size="small" title={t("page.newVersion")}>
          <Space orientation="vertical" size={8} style={{ width: "100%" }}>
            {draft.map((r, i) => {
              const kind = kinds.find((k) => k.id === r.kind);
              return (
                <Space key={i} wrap align="start" data-testid="rule-row">
                  <Input
                    style={{ width: 140 }}
                    placeholder={t("page.key")}
                    value={r.key}
                    onChange={(e) => update(i, { key: e.target.value })}
                    data-testid="rule-key"
                  />
                  <Input
                    style={{ width: 200 }}
                    placeholder={t("page.name")}
                    value={r.name}
                    onChange={(e) => update(i, { name: e.target.value })}
                    data-testid="rule-name"
                  />
                  <Select
                    style={{ width: 260 }}
                    placeholder={t("page.kind")}
                    value={r.kind || undefined}
                    data-testid="rule-kind"
                    onChange={(k: string) =>
                      update(i, {
                        kind: k,
                        params: Object.fromEntries((kinds.find((x) => x.id === k)?.params ?? []).map((p) => [p.name, p.default])),
                      })
                    }
                    options={kinds.map((k) => ({ value: k.id, label: kindLabel(k.id) }))}
                  />
                  {(kind?.params ?? []).map((p) => (
                    <InputNumber
                      key={p.name}
                      style={{ width: 180 }}
                      addonBefore={paramLabel(p.name)}
                      min={p.min}
                      max={p.max}
                      step={p.max <= 1 ? 0.01 : 1}
                      value={r.params[p.name]}
                      onChange={(v) => update(i, { params: { ...r.params, [p.name]: v ?? p.default } })}
                      data-testid={`rule-param-${p.name}`}
                    />
                  ))}
                  <Select
                    style={{ width: 220 }}
                    value={r.action}
                    onChange={(a: "review" | "direct") => update(i, { action: a })}
                    options={(["review", "direct"] as const).map((a) => ({ value: a, label: t(`actions.${a}`) }))}
                  />
                  <InputNumber
                    style={{ width: 170 }}
                    addonBefore={t("page.deadlineDays")}
                    min={1}
                    max={365}
                    value={r.deadlineDays}
                    onChange={(v) => update(i, { deadlineDays: v ?? 30 })}
                  />
                  <Button danger onClick={() => setDraft((d) => d && d.filter((_, k) => k !== i))}>
                    {t("page.remove")}
                  </Button>
                </Space>
              );
            })}
            <Space>
              <Button
                onClick={() =>
                  setDraft((d) => [...(d ?? []), { key: "", name: "", kind: "", params: {}, action: "review", deadlineDays: 30 }])
                }
                data-testid="rule-add"
              >
                {t("page.addRule")}
              </Button>
              <Button
                type="primary"
                loading={create.isPending}
                disabled={draft.length === 0}
                onClick={() => create.mutate({ rules: draft })}
                data-testid="rules-save"
              >
                {t("page.newVersion")}
              </Button>
              <Button onClick={() => setDraft(null)}>{t("page.cancel")}</Button>
            </Space>
          </Space>
        </Card>
      )}
      <Modal
        open={!!approving}
        title={`${t("page.approve")} v${approving?.version ?? ""}`}
        onCancel={() => setApproving(null)}
        okButtonProps={{ disabled: !note.trim(), loading: approve.isPending }}
        onOk={() => approving && approve.mutate({ id: approving.id, note })}
      >
        <Input.TextArea
          rows={3}
          maxLength={2000}
          placeholder={t("page.note")}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          data-testid="rules-note"
        />
      </Modal>
    </Space>
  );
}
