"use client";
import { PlusOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  Alert,
  App,
  AutoComplete,
  Button,
  Card,
  Descriptions,
  Drawer,
  Form,
  Input,
  Modal,
  Popconfirm,
  Radio,
  Space,
  Table,
  Tag,
  Typography,
} from "antd";
import { useTranslations } from "next-intl";
import { useEffect, useMemo, useState } from "react";
import type { ScoringPolicy } from "@/server/scoring/policy";
import { QUALITY_RULES } from "@/server/shared/scoring/quality";
import type { ScoringOut } from "../../../_components/results/parts";
import { useTRPC } from "../../../_components/trpc";
import { useMobile, useWhen } from "../campaigns/_components/shared";
import type { GroupKey } from "@/server/i18n/messages";

type Row = ScoringOut["policies"]["list"][number];
const STATE_COLOR: Record<string, string> = { draft: "gold", approved: "green", retired: "default" };

export function PoliciesView({ canApprove }: { canApprove: boolean }) {
  const trpc = useTRPC();
  const t = useTranslations("results.policies");
  const tn = useTranslations("nav");
  const when = useWhen();
  const mobile = useMobile();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const list = useQuery(trpc.scoring.policies.list.queryOptions());
  const [editing, setEditing] = useState<{ year: string } | null>(null);
  const [approving, setApproving] = useState<Row | null>(null);
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: trpc.scoring.pathKey() });
  };
  const retire = useMutation(
    trpc.scoring.policies.retire.mutationOptions({
      onSuccess: () => {
        void message.success(t("retired"));
        refresh();
      },
      onError: (e) => {
        void message.error(e.message);
      },
    }),
  );
  const rows = list.data ?? [];
  const years = [...new Set(rows.map((r) => r.schoolYear))];

  const actions = (r: Row) =>
    canApprove && (
      <Space wrap>
        {r.status === "draft" && (
          <Button size="small" type="primary" onClick={() => setApproving(r)} data-testid="approve">
            {t("approve")}
          </Button>
        )}
        {r.status !== "retired" && (
          <Popconfirm title={t("retireConfirm")} overlayStyle={{ maxWidth: 320 }} onConfirm={() => retire.mutate({ id: r.id })}>
            <Button size="small" danger>
              {t("retire")}
            </Button>
          </Popconfirm>
        )}
      </Space>
    );
  return (
    <Space orientation="vertical" size={16} style={{ width: "100%" }}>
      <Card
        title={
          <Typography.Title level={4} style={{ margin: 0 }}>
            {tn("policies")}
          </Typography.Title>
        }
        extra={
          canApprove && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({ year: years[0] ?? "" })} data-testid="new-policy">
              {t("new")}
            </Button>
          )
        }
      >
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t("intro")}
        </Typography.Paragraph>
      </Card>
      {list.error && <Alert type="error" title={list.error.message} />}
      {years.map((year) => (
        <Card
          key={year}
          title={year}
          data-testid={`policies-${year}`}
          extra={
            canApprove && (
              <Button size="small" onClick={() => setEditing({ year })} data-testid={`new-version-${year}`}>
                {t("new")}
              </Button>
            )
          }
        >
          <Table<Row>
            size="middle"
            rowKey="id"
            pagination={false}
            showHeader={false}
            dataSource={rows.filter((r) => r.schoolYear === year)}
            data-testid={`versions-${year}`}
            expandable={{
              expandedRowRender: (r) => <PolicySummary policy={r.policy as unknown as ScoringPolicy} />,
              rowExpandable: () => true,
            }}
            columns={[
              {
                title: "",
                key: "version",
                render: (_, r) => (
                  <Space size={4} wrap style={{ maxWidth: mobile ? "calc(100vw - 120px)" : undefined }}>
                    <b>{t("version", { version: r.version })}</b>
                    <Tag color={STATE_COLOR[r.status]} data-testid="policy-status">
                      {t(`states.${r.status}`)}
                    </Tag>
                    {r.current && (
                      <Tag color="blue" data-testid="policy-current">
                        {t("current")}
                      </Tag>
                    )}
                    {mobile && actions(r)}
                  </Space>
                ),
              },
              {
                title: "",
                key: "who",
                responsive: ["md"],
                render: (_, r) => (
                  <div style={{ maxWidth: 420, whiteSpace: "normal", fontSize: 13 }}>
                    {r.approvedAt
                      ? t("approvedBy", { who: r.approvedByName ?? "—", when: when(r.approvedAt), note: r.approvalNote ?? "" })
                      : t("createdBy", { who: r.createdByName ?? "—", when: when(r.createdAt) })}
                  </div>
                ),
              },
              { title: "", key: "actions", responsive: ["md"], render: (_, r) => actions(r) },
            ]}
          />
        </Card>
      ))}
      {editing && <PolicyEditor year={editing.year} rows={rows} onClose={() => setEditing(null)} onSaved={refresh} />}
      {approving && <ApproveModal row={approving} onClose={() => setApproving(null)} onDone={refresh} />}
    </Space>
  );
}

function ApproveModal({ row, onClose, onDone }: { row: Row; onClose: () => void; onDone: () => void }) {
  const trpc = useTRPC();
  const t = useTranslations("results.policies");
  const { message } = App.useApp();
  const [note, setNote] = useState("");
  const approve = useMutation(
    trpc.scoring.policies.approve.mutationOptions({
      onSuccess: (r) => {
        void message.success(t("approved", { results: r.results }));
        onDone();
        onClose();
      },
      onError: (e) => {
        void message.error(e.message);
      },
    }),
  );
  return (
    <Modal
      open
      title={`${t("approveTitle")} · ${row.schoolYear} ${t("version", { version: row.version })}`}
      onCancel={onClose}
      okText={t("approve")}
      okButtonProps={{ disabled: note.trim() === "", loading: approve.isPending, "data-testid": "approve-ok" }}
      onOk={() => approve.mutate({ id: row.id, note })}
    >
      <Form layout="vertical">
        <Form.Item label={t("note")} required>
          <Input.TextArea rows={3} maxLength={2000} value={note} onChange={(e) => setNote(e.target.value)} data-testid="approve-note" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function PolicyEditor({ year, rows, onClose, onSaved }: { year: string; rows: Row[]; onClose: () => void; onSaved: () => void }) {
  const trpc = useTRPC();
  const t = useTranslations("results.policies");
  const { message } = App.useApp();
  const mobile = useMobile();
  const [schoolYear, setYear] = useState(year || "");
  const current = rows.find((r) => r.schoolYear === schoolYear && r.current);
  const [from, setFrom] = useState<"current" | "defaults">(current ? "current" : "defaults");
  const validYear = /^\d{4}-\d{4}$/.test(schoolYear);
  const defaults = useQuery({
    ...trpc.scoring.policies.defaults.queryOptions({ schoolYear: validYear ? schoolYear : "2000-2001" }),
    enabled: validYear,
  });
  const [text, setText] = useState("");
  const start = useMemo(() => (from === "current" && current ? current.policy : defaults.data) as unknown, [from, current, defaults.data]);
  useEffect(() => {
    if (start) setText(JSON.stringify(start, null, 2));
  }, [start]);
  const check = useMutation(trpc.scoring.policies.check.mutationOptions());
  const runCheck = check.mutate; // stable across renders (TanStack Query)
  const [parseError, setParseError] = useState<string | null>(null);
  useEffect(() => {
    const h = setTimeout(() => {
      if (!text) return;
      try {
        const json: unknown = JSON.parse(text);
        setParseError(null);
        runCheck({ policy: json });
      } catch (e) {
        setParseError((e as Error).message);
      }
    }, 300);
    return () => clearTimeout(h);
  }, [text, runCheck]);
  const create = useMutation(
    trpc.scoring.policies.create.mutationOptions({
      onSuccess: (r) => {
        void message.success(r.status === "created" ? t("saved", { version: r.version }) : t("unchanged", { version: r.version }));
        onSaved();
        onClose();
      },
      onError: (e) => {
        void message.error(e.message);
      },
    }),
  );
  const ok = !parseError && check.data?.ok === true;
  const years = [...new Set(rows.map((r) => r.schoolYear))];
  return (
    <Drawer
      open
      onClose={onClose}
      title={t("new")}
      size={mobile ? "100%" : 720}
      destroyOnHidden
      extra={
        <Button
          type="primary"
          disabled={!ok}
          loading={create.isPending}
          data-testid="save-policy"
          onClick={() => create.mutate({ policy: JSON.parse(text) })}
        >
          {t("save")}
        </Button>
      }
    >
      <Form layout="vertical">
        <Space wrap>
          <Form.Item label={t("schoolYear")}>
            <AutoComplete
              value={schoolYear}
              onChange={setYear}
              style={{ width: 140 }}
              options={years.map((y) => ({ value: y }))}
              data-testid="policy-year"
            />
          </Form.Item>
          <Form.Item label={t("startFrom")}>
            <Radio.Group
              value={from}
              onChange={(e) => {
                const v: unknown = e.target.value;
                if (v === "current" || v === "defaults") setFrom(v);
              }}
              optionType="button"
              options={[
                { value: "current", label: t("fromCurrent"), disabled: !current },
                { value: "defaults", label: t("fromDefaults") },
              ]}
            />
          </Form.Item>
        </Space>
        <Form.Item label={t("editor")}>
          <Input.TextArea
            value={text}
            onChange={(e) => setText(e.target.value)}
            autoSize={{ minRows: 14, maxRows: 30 }}
            style={{ fontFamily: "ui-monospace, Menlo, Consolas, monospace", fontSize: 13 }}
            data-testid="policy-json"
            spellCheck={false}
          />
        </Form.Item>
        {parseError && <Alert type="error" showIcon title={parseError} data-testid="policy-problem" />}
        {!parseError && check.data && !check.data.ok && (
          <Alert type="error" showIcon title={check.data.problem} data-testid="policy-problem" />
        )}
        {!parseError && check.data?.ok && (
          <>
            <Alert type="success" showIcon title={t("ok")} data-testid="policy-ok" style={{ marginBottom: 12 }} />
            <PolicySummary policy={check.data.policy} />
          </>
        )}
      </Form>
    </Drawer>
  );
}

/** A policy in words: what each setting does. */
export function PolicySummary({ policy }: { policy: ScoringPolicy }) {
  const t = useTranslations("results.policies");
  const tg = useTranslations("campaigns.raterGroups");
  const tt = useTranslations("admin.courseTypes");
  const weights = (w: Partial<Record<string, number>>) =>
    Object.entries(w)
      .filter(([, v]) => (v ?? 0) > 0)
      .map(([g, v]) => `${tg(g as GroupKey<"campaigns.raterGroups">)} ${Math.round((v ?? 0) * 1000) / 10}%`)
      .join("，");
  const [showJson, setShowJson] = useState(false);
  return (
    <div data-testid="policy-summary">
      <Descriptions size="small" column={1} bordered>
        <Descriptions.Item label={t("summary.trim")}>
          {t("summary.trimValue", { pct: Math.round(policy.trim * 1000) / 10 })}
        </Descriptions.Item>
        <Descriptions.Item label={t("summary.outOf")}>{policy.outOf}</Descriptions.Item>
        <Descriptions.Item label={t("summary.quality")}>
          {[
            ...QUALITY_RULES.map((r) => `${t(`ruleNames.${r.id}`)}：${t(`rules.${policy.quality[r.id]}`)}`),
            t("summary.maxExcluded", { pct: Math.round(policy.quality.maxExcludedShare * 100) }),
          ].join("；")}
        </Descriptions.Item>
        <Descriptions.Item label={t("summary.minRaters")}>{t("summary.minRatersValue", policy.minRaters)}</Descriptions.Item>
        <Descriptions.Item label={t("summary.compositeOf")}>{t(`compositeOf.${policy.compositeOf}`)}</Descriptions.Item>
        <Descriptions.Item label={t("summary.weights")}>
          <div>{`${t("summary.default")}：${weights(policy.weights.default)}`}</div>
          {Object.entries(policy.weights.byCourseType).map(([type, w]) => (
            <div key={type}>{`${tt(type as GroupKey<"admin.courseTypes">)}：${weights(w ?? {})}`}</div>
          ))}
        </Descriptions.Item>
        <Descriptions.Item label={t("summary.normGroup")}>{t(`normGroups.${policy.normGroup}`)}</Descriptions.Item>
        <Descriptions.Item label={t("summary.minReliability")}>
          {t("summary.minReliabilityValue", { min: policy.minReliability.toFixed(2) })}
        </Descriptions.Item>
      </Descriptions>
      <Button type="link" style={{ paddingInline: 0 }} onClick={() => setShowJson(!showJson)}>
        {t("json")}
      </Button>
      {showJson && (
        <pre style={{ fontSize: 12, background: "#fafafa", padding: 8, overflowX: "auto" }}>{JSON.stringify(policy, null, 2)}</pre>
      )}
    </div>
  );
}
