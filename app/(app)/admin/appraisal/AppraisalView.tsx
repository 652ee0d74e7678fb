"use client";
import { DownloadOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  Alert,
  App,
  Button,
  Card,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Modal,
  Select,
  Space,
  Spin,
  Switch,
  Table,
  Tag,
  Typography,
} from "antd";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { bandsPerUnitOption } from "@/server/shared/appraisal/charts";
import { BandTag, BorderlineTag, useNum, type AppraisalOut } from "../../../_components/appraisal/parts";
import { EChart } from "../../../_components/EChart";
import { useTRPC } from "../../../_components/trpc";
import type { GroupKey } from "@/server/i18n/messages";

type Row = AppraisalOut["table"]["page"]["items"][number];
const BANDS = ["excellent", "good", "pass", "fail", "none"] as const;
const REASONS = ["score", "quota", "veto", "insufficient_evidence", "exempt", "appeal"] as const;
const VETO_CODES = ["ethics_misconduct", "teaching_accident", "academic_misconduct", "other"] as const;

export function AppraisalView({ canHr, canApprove }: { canHr: boolean; canApprove: boolean }) {
  const trpc = useTRPC();
  const t = useTranslations("appraisal.page");
  const ta = useTranslations("appraisal");
  const tg = useTranslations("campaigns.raterGroups");
  const sp = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const years = useQuery(trpc.appraisal.years.queryOptions());
  const yearList = years.data ?? [];
  const year = yearList.find((y) => y.schoolYear === sp.get("year")) ?? yearList[0];
  const [filters, setFilters] = useState<{
    unitId?: number;
    band?: (typeof BANDS)[number];
    reason?: (typeof REASONS)[number];
    borderline?: boolean;
    q?: string;
  }>({});
  const [page, setPage] = useState({ page: 1, pageSize: 20 });
  const num = useNum();
  const summary = useQuery({ ...trpc.appraisal.summary.queryOptions({ schoolYear: year?.schoolYear ?? "0000-0001" }), enabled: !!year });
  const table = useQuery({
    ...trpc.appraisal.table.queryOptions({ schoolYear: year?.schoolYear ?? "0000-0001", ...filters, ...page }),
    enabled: !!year,
  });

  if (years.isLoading)
    return (
      <Card>
        <Spin />
      </Card>
    );
  if (!year)
    return (
      <Card title={t("title")}>
        <Typography.Text type="secondary">{t("noYears")}</Typography.Text>
      </Card>
    );
  const bandLabels = Object.fromEntries(BANDS.map((b) => [b, ta(`bands.${b}`)])) as Record<(typeof BANDS)[number], string>;
  const s = summary.data;
  const inForce = s?.versions.find((v) => v.status === "notice" || v.status === "locked");
  const preparing = s?.versions.find((v) => v.status === "draft" || v.status === "pending");

  return (
    <Space orientation="vertical" size={16} style={{ width: "100%" }}>
      <Card
        title={
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t("title")}
          </Typography.Title>
        }
        extra={
          <Select
            data-testid="year-select"
            value={year.schoolYear}
            style={{ width: 130 }}
            aria-label={t("year")}
            onChange={(v) => router.replace(`${pathname}?year=${v}`)}
            options={yearList.map((y) => ({ value: y.schoolYear, label: y.schoolYear }))}
          />
        }
      >
        <Typography.Paragraph type="secondary">{t("intro")}</Typography.Paragraph>
        <Space wrap data-testid="version-status">
          {inForce ? (
            <Tag color={inForce.status === "locked" ? "default" : "green"}>
              {t("versionLine", { version: inForce.version, status: t(`status.${inForce.status}`) })}
            </Tag>
          ) : (
            <Tag>{t("live")}</Tag>
          )}
          {inForce?.noticeFrom && (
            <Typography.Text type="secondary">
              {t("noticeLine", { from: inForce.noticeFrom, until: inForce.noticeUntil ?? "" })}
            </Typography.Text>
          )}
          {preparing && (
            <Tag color="orange" data-testid="preparing">
              {t("versionLine", { version: preparing.version, status: t(`status.${preparing.status}`) })}
            </Tag>
          )}
        </Space>
        <VersionActions year={year.schoolYear} canHr={canHr} canApprove={canApprove} inForce={inForce} preparing={preparing} />
      </Card>

      <Card title={t("chartTitle")} size="small">
        {s && s.units.length > 0 ? (
          <EChart
            testid="bands-chart"
            height={Math.max(180, 40 * new Set(s.units.map((u) => u.unit)).size + 60)}
            option={bandsPerUnitOption(s.units, bandLabels, t("scopeSchool"))}
          />
        ) : (
          <Typography.Text type="secondary">{t("empty")}</Typography.Text>
        )}
        <Typography.Title level={5}>{t("quotaTitle")}</Typography.Title>
        <Space orientation="vertical" data-testid="quota-check">
          {s?.quota.map((q) => (
            <Typography.Text key={String(q.unitId)}>
              <b>{q.unit ?? t("scopeSchool")}</b>：
              {ta(q.moved.length ? "quota.summary" : "quota.within", {
                byScore: q.byScore,
                quota: q.quota,
                share: q.share,
                banded: q.banded,
                moved: q.moved.length,
              })}
              {q.moved.length > 0 && `；${ta("quota.movedNames", { names: q.movedNames.join("、") })}`}
              {q.tied.length > 0 && `；${ta("quota.tied", { tied: q.tied.length })}`}
              {q.capLimit !== null &&
                q.cappedMoved.length > 0 &&
                `；${t("capLine", { limit: q.capLimit, names: q.cappedNames.join("、") })}`}
            </Typography.Text>
          ))}
        </Space>
      </Card>

      <Card
        size="small"
        extra={
          <Button icon={<DownloadOutlined />} href={`/api/appraisal/export?year=${year.schoolYear}`} data-testid="export">
            {t("actions.export")}
          </Button>
        }
      >
        <Space wrap style={{ marginBottom: 12 }}>
          <Select
            allowClear
            placeholder={t("filters.unit")}
            style={{ width: 180 }}
            data-testid="filter-unit"
            options={[...new Map((s?.units ?? []).flatMap((u) => (u.unitId === null ? [] : [[u.unitId, u.unit] as const]))).entries()].map(
              ([value, label]) => ({ value, label }),
            )}
            onChange={(v: number | undefined) => {
              setFilters({ ...filters, unitId: v });
              setPage({ ...page, page: 1 });
            }}
          />
          <Select
            allowClear
            placeholder={t("filters.band")}
            style={{ width: 120 }}
            data-testid="filter-band"
            options={BANDS.map((b) => ({ value: b, label: bandLabels[b] }))}
            onChange={(v: (typeof BANDS)[number] | undefined) => {
              setFilters({ ...filters, band: v });
              setPage({ ...page, page: 1 });
            }}
          />
          <Select
            allowClear
            placeholder={t("filters.reason")}
            style={{ width: 140 }}
            options={REASONS.map((r) => ({ value: r, label: ta(`reasons.${r}`) }))}
            onChange={(v: (typeof REASONS)[number] | undefined) => {
              setFilters({ ...filters, reason: v });
              setPage({ ...page, page: 1 });
            }}
          />
          <Space>
            <Switch
              size="small"
              onChange={(v) => {
                setFilters({ ...filters, borderline: v || undefined });
                setPage({ ...page, page: 1 });
              }}
            />
            {t("filters.borderline")}
          </Space>
          <Input.Search
            allowClear
            placeholder={t("filters.search")}
            style={{ width: 200 }}
            data-testid="filter-search"
            onSearch={(q) => {
              setFilters({ ...filters, q: q || undefined });
              setPage({ ...page, page: 1 });
            }}
          />
        </Space>
        <Table<Row>
          size="small"
          rowKey="teacherId"
          loading={table.isLoading}
          dataSource={table.data?.page.items ?? []}
          scroll={{ x: "max-content" }}
          data-testid="appraisal-table"
          pagination={{
            current: page.page,
            pageSize: page.pageSize,
            total: table.data?.page.total ?? 0,
            showSizeChanger: true,
            onChange: (p, ps) => setPage({ page: p, pageSize: ps }),
          }}
          columns={[
            { title: t("cols.number"), dataIndex: "number", width: 90 },
            {
              title: t("cols.name"),
              dataIndex: "name",
              width: 90,
              render: (n: string, r) => (
                <Link href={`/admin/appraisal/${r.teacherId}?year=${year.schoolYear}`} data-testid="teacher-link">
                  {n}
                </Link>
              ),
            },
            { title: t("cols.unit"), dataIndex: "unit" },
            { title: t("cols.office"), dataIndex: "office" },
            { title: t("cols.composite"), dataIndex: "score", render: (x: number | null) => num(x, 2) },
            { title: t("cols.ci"), key: "ci", render: (_, r) => (r.ciLow === null ? "—" : `${num(r.ciLow)} – ${num(r.ciHigh)}`) },
            {
              title: t("cols.band"),
              dataIndex: "band",
              render: (b: string | null, r) => (
                <Space size={2}>
                  <BandTag band={b} />
                  {r.borderline && <BorderlineTag />}
                </Space>
              ),
            },
            {
              title: t("cols.reason"),
              dataIndex: "reason",
              render: (x: string, r) => (
                <>
                  {ta(`reasons.${x as GroupKey<"appraisal.reasons">}`)}
                  {r.vetoCode ? ` · ${t(`vetoCodes.${r.vetoCode as GroupKey<"appraisal.page.vetoCodes">}`)}` : ""}
                </>
              ),
            },
            { title: t("cols.rank"), key: "rank", render: (_, r) => (r.rank === null ? "—" : `${r.rank}/${r.rankOf}`) },
            {
              title: t("cols.groups"),
              key: "groups",
              render: (_, r) => (
                <>
                  {r.used.map((g) => tg(g as GroupKey<"campaigns.raterGroups">)).join("、")}
                  {r.missing.length ? `（${r.missing.map((g) => tg(g as GroupKey<"campaigns.raterGroups">)).join("、")}）` : ""}
                </>
              ),
            },
            {
              title: t("cols.annual"),
              dataIndex: "annualFail",
              render: (f: boolean) => (f ? <Tag color="red">{t("annualFlag")}</Tag> : null),
            },
          ]}
        />
      </Card>

      {canHr && <VetoCard year={year.schoolYear} />}
      {canApprove && <AppealsCard year={year.schoolYear} />}
    </Space>
  );
}

function useInvalidate() {
  const qc = useQueryClient();
  const trpc = useTRPC();
  return () => {
    void qc.invalidateQueries({ queryKey: trpc.appraisal.pathKey() });
  };
}

function VersionActions({
  year,
  canHr,
  canApprove,
  inForce,
  preparing,
}: {
  year: string;
  canHr: boolean;
  canApprove: boolean;
  inForce?: { id: number; status: string };
  preparing?: { id: number; status: string };
}) {
  const trpc = useTRPC();
  const t = useTranslations("appraisal.page");
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const opts = {
    onSuccess: () => {
      void message.success(t("actions.done"));
      invalidate();
    },
    onError: (e: { message: string }) => {
      void message.error(e.message);
    },
  };
  const prepare = useMutation(trpc.appraisal.versions.prepare.mutationOptions(opts));
  const request = useMutation(trpc.appraisal.versions.request.mutationOptions(opts));
  const approve = useMutation(trpc.appraisal.versions.approve.mutationOptions(opts));
  const lock = useMutation(trpc.appraisal.versions.lock.mutationOptions(opts));
  const [reason, setReason] = useState("");
  return (
    // a line of its own under the version's status (two inline Spaces ran into each other)
    <Space wrap style={{ marginTop: 12, display: "flex" }}>
      {canHr && !preparing && !inForce && (
        <Button type="primary" data-testid="prepare" loading={prepare.isPending} onClick={() => prepare.mutate({ schoolYear: year })}>
          {t("actions.prepare")}
        </Button>
      )}
      {canHr && !preparing && inForce && (
        // the button goes under the reason where both do not fit (a phone)
        <div style={{ display: "flex", flexWrap: "wrap", gap: 8 }}>
          <Input
            placeholder={t("actions.reason")}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            style={{ width: 220, maxWidth: "100%" }}
          />
          <Button disabled={!reason.trim()} onClick={() => prepare.mutate({ schoolYear: year, reason })}>
            {t("actions.newVersion")}
          </Button>
        </div>
      )}
      {canHr && preparing?.status === "draft" && (
        <Button data-testid="request" onClick={() => request.mutate({ versionId: preparing.id })}>
          {t("actions.request")}
        </Button>
      )}
      {canApprove && preparing?.status === "pending" && (
        <Button type="primary" data-testid="approve" onClick={() => approve.mutate({ versionId: preparing.id })}>
          {t("actions.approve")}
        </Button>
      )}
      {canHr && inForce?.status === "notice" && (
        <Button data-testid="lock" onClick={() => lock.mutate({ versionId: inForce.id })}>
          {t("actions.lock")}
        </Button>
      )}
    </Space>
  );
}

function VetoCard({ year }: { year: string }) {
  const trpc = useTRPC();
  const t = useTranslations("appraisal.page");
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const record = useMutation(
    trpc.appraisal.vetoes.record.mutationOptions({
      onSuccess: () => {
        void message.success(t("actions.done"));
        setOpen(false);
        form.resetFields();
        invalidate();
      },
      onError: (e) => {
        void message.error(e.message);
      },
    }),
  );
  return (
    <Card size="small" title={t("vetoTitle")}>
      <Space wrap>
        <Button danger data-testid="veto-open" onClick={() => setOpen(true)}>
          {t("actions.veto")}
        </Button>
        <ExemptionButton year={year} />
      </Space>
      <Modal
        open={open}
        title={t("actions.veto")}
        onCancel={() => setOpen(false)}
        okText={t("actions.save")}
        cancelText={t("actions.cancel")}
        okButtonProps={{ loading: record.isPending, id: "veto-save" }}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        <Form
          form={form}
          layout="vertical"
          initialValues={{ code: "ethics_misconduct", months: 24 }}
          onFinish={(v: {
            teacher: string;
            code: (typeof VETO_CODES)[number];
            reason: string;
            documentNo?: string;
            decidedOn: { format: (f: string) => string };
            months: number;
          }) =>
            record.mutate({
              teacher: v.teacher,
              schoolYear: year,
              code: v.code,
              reason: v.reason,
              documentNo: v.documentNo || undefined,
              decidedOn: v.decidedOn.format("YYYY-MM-DD"),
              months: v.months,
            })
          }
        >
          <Form.Item name="teacher" label={t("vetoFields.teacher")} rules={[{ required: true }]}>
            <Input data-testid="veto-teacher" />
          </Form.Item>
          <Form.Item name="code" label={t("vetoFields.code")}>
            <Select options={VETO_CODES.map((c) => ({ value: c, label: t(`vetoCodes.${c}`) }))} />
          </Form.Item>
          <Form.Item name="reason" label={t("appealReason")} rules={[{ required: true }]}>
            <Input.TextArea data-testid="veto-reason" rows={2} />
          </Form.Item>
          <Form.Item name="documentNo" label={t("vetoFields.documentNo")}>
            <Input data-testid="veto-doc" />
          </Form.Item>
          <Form.Item name="decidedOn" label={t("vetoFields.decidedOn")} rules={[{ required: true }]}>
            <DatePicker data-testid="veto-date" />
          </Form.Item>
          <Form.Item name="months" label={t("vetoFields.months")}>
            <InputNumber min={1} max={240} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}

const EXEMPTION_KINDS = ["visiting", "further_study", "training", "secondment", "maternity"] as const;

/** 访学, 进修, 培训, 派遣, 产假: recorded for a teacher's year, they excuse the evidence minimums (no band rather than a bad one). */
function ExemptionButton({ year }: { year: string }) {
  const trpc = useTRPC();
  const t = useTranslations("appraisal.page");
  const ta = useTranslations("appraisal");
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const record = useMutation(
    trpc.appraisal.exemptions.record.mutationOptions({
      onSuccess: () => {
        void message.success(t("actions.done"));
        setOpen(false);
        form.resetFields();
        invalidate();
      },
      onError: (e) => {
        void message.error(e.message);
      },
    }),
  );
  return (
    <>
      <Button data-testid="exemption-open" onClick={() => setOpen(true)}>
        {t("actions.exemption")}
      </Button>
      <Modal
        open={open}
        title={ta("admin.exemptionTitle")}
        onCancel={() => setOpen(false)}
        okText={t("actions.save")}
        cancelText={t("actions.cancel")}
        okButtonProps={{ loading: record.isPending, id: "exemption-save" }}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        <Form
          form={form}
          layout="vertical"
          initialValues={{ kind: "visiting" }}
          onFinish={(v: { teacher: string; kind: (typeof EXEMPTION_KINDS)[number]; note?: string }) =>
            record.mutate({ teacher: v.teacher, schoolYear: year, kind: v.kind, note: v.note || undefined })
          }
        >
          <Form.Item name="teacher" label={t("vetoFields.teacher")} rules={[{ required: true }]}>
            <Input data-testid="exemption-teacher" />
          </Form.Item>
          <Form.Item name="kind" label={t("vetoFields.kind")}>
            <Select data-testid="exemption-kind" options={EXEMPTION_KINDS.map((k) => ({ value: k, label: ta(`exemptions.${k}`) }))} />
          </Form.Item>
          <Form.Item name="note" label={ta("admin.exemptionNote")}>
            <Input.TextArea rows={2} maxLength={2000} data-testid="exemption-note" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

function AppealsCard({ year }: { year: string }) {
  const trpc = useTRPC();
  const t = useTranslations("appraisal.page");
  const ta = useTranslations("appraisal");
  const { message } = App.useApp();
  const invalidate = useInvalidate();
  const list = useQuery(trpc.appraisal.appeals.list.queryOptions({ schoolYear: year }));
  const opts = {
    onSuccess: () => {
      void message.success(t("actions.done"));
      invalidate();
    },
    onError: (e: { message: string }) => {
      void message.error(e.message);
    },
  };
  const assign = useMutation(trpc.appraisal.appeals.assign.mutationOptions(opts));
  const decide = useMutation(trpc.appraisal.appeals.decide.mutationOptions(opts));
  const [reviewer, setReviewer] = useState<Record<number, string>>({});
  const [decision, setDecision] = useState<
    Record<number, { decision: "upheld" | "rejected"; note: string; band?: "excellent" | "good" | "pass" | "fail" }>
  >({});
  if (list.error) return <Alert type="error" title={list.error.message} />;
  return (
    <Card size="small" title={t("appealsTitle")} data-testid="appeals-card">
      {(list.data ?? []).length === 0 && <Typography.Text type="secondary">{t("empty")}</Typography.Text>}
      <Space orientation="vertical" style={{ width: "100%" }}>
        {(list.data ?? []).map((a) => {
          const d = decision[a.id] ?? { decision: "upheld", note: "" };
          return (
            <Card key={a.id} size="small" data-testid="appeal-item">
              <Typography.Text strong>
                {a.teacherName}（{a.teacherNumber}）
              </Typography.Text>{" "}
              <Tag>{t(`appealStage.${a.stage}`)}</Tag>
              <Tag>{t(`appealStatus.${a.status}`)}</Tag>
              <div>{a.reason}</div>
              {a.attachmentName && (
                <div>
                  <a href={`/api/appraisal/appeals/${a.id}/attachment`} data-testid="appeal-attachment-link">
                    {t("attachmentLink", { name: a.attachmentName })}
                  </a>
                </div>
              )}
              {a.status === "submitted" && (
                <Space.Compact style={{ marginTop: 8 }}>
                  <Input
                    placeholder={t("reviewer")}
                    data-testid="reviewer-input"
                    value={reviewer[a.id] ?? ""}
                    onChange={(e) => setReviewer({ ...reviewer, [a.id]: e.target.value })}
                  />
                  <Button data-testid="assign" onClick={() => assign.mutate({ appealId: a.id, reviewer: reviewer[a.id] ?? "" })}>
                    {t("actions.assign")}
                  </Button>
                </Space.Compact>
              )}
              {a.status === "assigned" && (
                <Space wrap style={{ marginTop: 8 }}>
                  <Select
                    value={d.decision}
                    style={{ width: 100 }}
                    data-testid="decision-select"
                    onChange={(v) => setDecision({ ...decision, [a.id]: { ...d, decision: v } })}
                    options={[
                      { value: "upheld", label: t("appealStatus.upheld") },
                      { value: "rejected", label: t("appealStatus.rejected") },
                    ]}
                  />
                  {d.decision === "upheld" && (
                    <Select
                      placeholder={t("newBand")}
                      style={{ width: 120 }}
                      data-testid="decision-band"
                      value={d.band}
                      onChange={(v) => setDecision({ ...decision, [a.id]: { ...d, band: v } })}
                      options={(["excellent", "good", "pass", "fail"] as const).map((b) => ({ value: b, label: ta(`bands.${b}`) }))}
                    />
                  )}
                  <Input
                    placeholder={t("note")}
                    style={{ width: 240 }}
                    data-testid="decision-note-input"
                    value={d.note}
                    onChange={(e) => setDecision({ ...decision, [a.id]: { ...d, note: e.target.value } })}
                  />
                  <Button
                    type="primary"
                    data-testid="decide"
                    onClick={() =>
                      decide.mutate({
                        appealId: a.id,
                        decision: d.decision,
                        note: d.note,
                        band: d.decision === "upheld" ? d.band : undefined,
                      })
                    }
                  >
                    {t("actions.decide")}
                  </Button>
                </Space>
              )}
              {a.decisionNote && (
                <div>
                  {t("note")}: {a.decisionNote}
                </div>
              )}
            </Card>
          );
        })}
      </Space>
    </Card>
  );
}
