"use client";
import { CloudUploadOutlined, DownloadOutlined, ReloadOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  Alert,
  App,
  Button,
  Card,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Spin,
  Switch,
  Table,
  Tabs,
  Tag,
  Tooltip,
  Typography,
  Upload,
} from "antd";
import { useLocale, useTranslations } from "next-intl";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import {
  GroupTag,
  Help,
  NotReliable,
  PendingMark,
  ProvisionalTag,
  QualityTags,
  RankWithheld,
  useFig,
  type ScoringOut,
} from "../../../_components/results/parts";
import { useTRPC } from "../../../_components/trpc";
import { StateTag, useMobile, useWhen } from "../campaigns/_components/shared";
import { localName } from "@/server/shared/i18n/names";
import { QUALITY_RULES, type PerRule } from "@/server/shared/scoring/quality";
import type { GroupKey } from "@/server/i18n/messages";

type Year = ScoringOut["overview"][number];
const GROUPS = ["student", "supervisor", "peer", "leader", "self", "alumni", "employer"] as const;

export function ResultsView({
  canAdmin,
  canPublish,
  seesProvisional,
}: {
  canAdmin: boolean;
  canPublish: boolean;
  seesProvisional: boolean;
}) {
  const trpc = useTRPC();
  const t = useTranslations("results");
  const locale = useLocale();
  const sp = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const when = useWhen();
  const overview = useQuery(trpc.scoring.overview.queryOptions());
  const years = overview.data ?? [];
  const yearParam = sp.get("year");
  // without ?year=, the year the server names (the latest with published results: server/scoring/results.ts openingYear)
  const year = years.find((y) => y.schoolYear === yearParam) ?? years.find((y) => y.opens) ?? years[0];
  const tab = sp.get("tab") ?? "targets";
  const setParam = (k: string, v: string | undefined) => {
    const next = new URLSearchParams(sp.toString());
    if (v) next.set(k, v);
    else next.delete(k);
    router.replace(`${pathname}?${next.toString()}`, { scroll: false });
  };

  if (overview.isLoading)
    return (
      <Card>
        <Spin />
      </Card>
    );
  if (overview.error) return <Alert type="error" title={overview.error.message} />;
  if (!year)
    return (
      <Card title={t("title")}>
        <Typography.Text type="secondary">{t("noYears")}</Typography.Text>
      </Card>
    );
  // per rule of the registry its count (a rule added since the run reads 0)
  const summary = (year.lastRun?.summary ?? {}) as Partial<PerRule<number>> & { excluded?: number };
  const running = year.campaigns.filter((c) => c.provisional).length;

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
            onChange={(v) => setParam("year", v)}
            options={years.map((y) => ({ value: y.schoolYear, label: y.schoolYear }))}
            aria-label={t("year")}
          />
        }
      >
        <Typography.Paragraph type="secondary">{t("intro")}</Typography.Paragraph>
        {year.policy ? (
          <Space orientation="vertical" size={2}>
            <Typography.Text data-testid="policy-line">
              {t("policyLine", { key: year.policy.key, version: year.policy.version })}
            </Typography.Text>
            <Typography.Text type="secondary" data-testid="last-run">
              {year.lastRun
                ? t("lastRun", {
                    when: when(year.lastRun.finishedAt),
                    trigger: t(`triggers.${year.lastRun.trigger as GroupKey<"results.triggers">}`),
                    responses: year.lastRun.responses,
                    targets: year.lastRun.targets,
                  })
                : t("neverRun")}
            </Typography.Text>
            {year.lastRun && (
              <Typography.Text type="secondary">
                {t("qualityLine", {
                  rules: QUALITY_RULES.map((r) => t(`flags.${r.id}`, { n: summary[r.id] ?? 0 })).join(locale === "en" ? ", " : "，"),
                  excluded: summary.excluded ?? 0,
                })}
              </Typography.Text>
            )}
          </Space>
        ) : (
          <Alert type="warning" showIcon title={t("noPolicy", { year: year.schoolYear })} />
        )}
        {running > 0 && (
          <Alert
            style={{ marginTop: 12 }}
            type={seesProvisional ? "warning" : "info"}
            showIcon
            data-testid="running-note"
            title={t(seesProvisional ? "running.quality" : "running.others", { n: running })}
          />
        )}
        {year.policy && (
          <Space wrap style={{ marginTop: 12 }}>
            <a href={`/api/scoring/results?policy=${year.policy.id}`} data-testid="results-xlsx">
              <Button icon={<DownloadOutlined />}>{t("export.button")}</Button>
            </a>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t("export.hint")}
            </Typography.Text>
          </Space>
        )}
        {canAdmin && <AdminActions year={year} />}
      </Card>
      {year.policy && (
        <Card styles={{ body: { paddingTop: 4 } }}>
          <Tabs
            activeKey={tab}
            onChange={(k) => setParam("tab", k)}
            items={[
              {
                key: "targets",
                label: <span data-testid="tab-targets">{t("tabs.targets")}</span>,
                children: (
                  <TargetsTab
                    year={year}
                    policyId={year.policy.id}
                    minReliability={year.policy.minReliability}
                    seesProvisional={seesProvisional}
                  />
                ),
              },
              {
                key: "composites",
                label: <span data-testid="tab-composites">{t("tabs.composites")}</span>,
                children: <CompositesTab policyId={year.policy.id} minReliability={year.policy.minReliability} />,
              },
              {
                key: "reliability",
                label: <span data-testid="tab-reliability">{t("tabs.reliability")}</span>,
                children: <ReliabilityTab policyId={year.policy.id} />,
              },
              {
                key: "campaigns",
                label: <span data-testid="tab-campaigns">{t("tabs.campaigns")}</span>,
                children: <CampaignsTab year={year} canPublish={canPublish} />,
              },
            ]}
          />
        </Card>
      )}
    </Space>
  );
}

function AdminActions({ year }: { year: Year }) {
  const trpc = useTRPC();
  const t = useTranslations("results");
  const qc = useQueryClient();
  const { message } = App.useApp();
  const recompute = useMutation(
    trpc.scoring.recompute.mutationOptions({
      onSuccess: (r) => {
        void message.success(t("recomputed", { results: r.results, seconds: (r.ms / 1000).toFixed(1) }));
        void qc.invalidateQueries({ queryKey: trpc.scoring.pathKey() });
      },
      onError: (e) => {
        void message.error(e.message);
      },
    }),
  );
  const [history, setHistory] = useState(false);
  return (
    <Space orientation="vertical" style={{ marginTop: 16, width: "100%" }}>
      <Space wrap>
        {year.policy && (
          <Button
            icon={<ReloadOutlined />}
            loading={recompute.isPending}
            data-testid="recompute"
            onClick={() => recompute.mutate({ schoolYear: year.schoolYear })}
          >
            {t("recompute")}
          </Button>
        )}
        <a href={`/api/scoring/export?year=${year.schoolYear}&format=csv`} data-testid="export-csv">
          <Button icon={<DownloadOutlined />}>{t("exportCsv")}</Button>
        </a>
        <a href={`/api/scoring/export?year=${year.schoolYear}&format=xlsx`} data-testid="export-xlsx">
          <Button icon={<DownloadOutlined />}>{t("exportXlsx")}</Button>
        </a>
        {year.policy && (
          <a href={`/api/scoring/document?policy=${year.policy.id}`} data-testid="export-json">
            <Button icon={<DownloadOutlined />}>{t("exportJson")}</Button>
          </a>
        )}
        <Button icon={<CloudUploadOutlined />} onClick={() => setHistory(true)} data-testid="history-open">
          {t("history.button")}
        </Button>
      </Space>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t("exportHint")}
      </Typography.Text>
      <HistoryImport open={history} onClose={() => setHistory(false)} />
    </Space>
  );
}

type Problem = { row: number; column: string | null; message: string };

function HistoryImport({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useTranslations("results.history");
  const ti = useTranslations("imports");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: true; text: string } | { ok: false; error: string; problems: Problem[] } | null>(null);
  const upload = async (file: File) => {
    setBusy(true);
    setResult(null);
    try {
      const body = new FormData();
      body.set("file", file);
      const res = await fetch("/api/scoring/history", { method: "POST", body });
      const json: unknown = await res.json();
      if (res.ok) {
        const done = json as { campaigns: unknown[]; responses: number; rows: number };
        setResult({ ok: true, text: t("done", { campaigns: done.campaigns.length, responses: done.responses, rows: done.rows }) });
        void qc.invalidateQueries({ queryKey: trpc.scoring.pathKey() });
      } else {
        const failed = json as { error: string; details?: Problem[] };
        setResult({ ok: false, error: failed.error, problems: Array.isArray(failed.details) ? failed.details : [] });
      }
    } catch (e) {
      setResult({ ok: false, error: String((e as Error).message), problems: [] });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open={open} onCancel={onClose} footer={null} title={t("title")} width={720} destroyOnHidden>
      <Typography.Paragraph type="secondary">{t("help")}</Typography.Paragraph>
      <Upload
        accept=".csv,.xlsx"
        showUploadList={false}
        beforeUpload={(f) => {
          void upload(f);
          return false;
        }}
        disabled={busy}
      >
        <Button icon={<CloudUploadOutlined />} loading={busy} data-testid="history-file">
          {busy ? t("uploading") : t("choose")}
        </Button>
      </Upload>
      {result?.ok && <Alert style={{ marginTop: 12 }} type="success" showIcon title={result.text} data-testid="history-done" />}
      {result && !result.ok && (
        <div style={{ marginTop: 12 }} data-testid="history-problems">
          {/* the server's message for a refused file already says nothing was imported */}
          <Alert type="error" showIcon title={result.problems.length > 0 ? result.error : `${t("failed")} ${result.error}`} />
          {result.problems.length > 0 && (
            // the import page's columns; the reason wraps (a phone shows it whole)
            <Table<Problem>
              size="small"
              style={{ marginTop: 8 }}
              rowKey={(p) => `${p.row}-${p.column}-${p.message}`}
              dataSource={result.problems}
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              tableLayout="fixed"
              columns={[
                { title: ti("columns.row"), dataIndex: "row", width: 56, render: (r: number) => (r > 0 ? r : "—") },
                { title: ti("columns.column"), dataIndex: "column", width: 96, render: (c: string | null) => c ?? "—" },
                { title: ti("columns.reason"), dataIndex: "message" },
              ]}
            />
          )}
        </div>
      )}
    </Modal>
  );
}

function TargetsTab({
  year,
  policyId,
  minReliability,
  seesProvisional,
}: {
  year: Year;
  policyId: number;
  minReliability: number;
  seesProvisional: boolean;
}) {
  const trpc = useTRPC();
  const t = useTranslations("results");
  const tg = useTranslations("campaigns.raterGroups");
  const locale = useLocale();
  const fig = useFig();
  const mobile = useMobile();
  const [campaignId, setCampaign] = useState<number | undefined>();
  const [raterGroup, setGroup] = useState<(typeof GROUPS)[number] | undefined>();
  const [reportedOnly, setReported] = useState(false);
  const [q, setQ] = useState("");
  const [page, setPage] = useState(1);
  const [sort, setSort] = useState<{ sort: "course" | "mean" | "ebScore" | "n" | "responseRate" | "teacher"; order: "asc" | "desc" }>({
    sort: "course",
    order: "asc",
  });
  const list = useQuery(
    trpc.scoring.targets.queryOptions({ policyId, campaignId, raterGroup, reportedOnly, q: q || undefined, page, pageSize: 20, ...sort }),
  );
  type Row = ScoringOut["targets"]["items"][number];
  const figures = (r: Row, render: (r: Row) => React.ReactNode) =>
    r.reported ? (
      render(r)
    ) : (
      <Typography.Text type="secondary" data-testid="too-few">
        {r.n === 0 ? t("noData") : t("tooFew", { n: r.n })}
      </Typography.Text>
    );
  // reliability, EB score and percentile: waiting for a running campaign (pending), or withheld below the policy's minimum reliability
  const pooled = (r: Row, render: (r: Row) => React.ReactNode) => (!r.reported ? "" : r.pending ? <PendingMark /> : render(r));
  const campaigns = seesProvisional ? year.campaigns : year.campaigns.filter((c) => !c.provisional);
  const href = (r: Row) => `/admin/results/${policyId}/${r.targetId}/${r.raterGroup}`;
  const courseName = (r: Row) => localName(locale, r.courseName, r.courseNameEn) || r.targetLabel || r.campaign;
  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          allowClear
          placeholder={t("filters.campaign")}
          style={{ minWidth: 200, maxWidth: "100%" }}
          value={campaignId}
          onChange={(v) => {
            setCampaign(v);
            setPage(1);
          }}
          options={campaigns.map((c) => ({ value: c.id, label: c.name }))}
          data-testid="campaign-filter"
        />
        <Select
          allowClear
          placeholder={t("filters.group")}
          style={{ minWidth: 130 }}
          value={raterGroup}
          onChange={(v) => {
            setGroup(v);
            setPage(1);
          }}
          options={GROUPS.map((g) => ({ value: g, label: tg(g) }))}
          data-testid="group-filter"
        />
        <Input.Search
          allowClear
          placeholder={t("filters.search")}
          style={{ width: 220 }}
          onSearch={(v) => {
            setQ(v.trim());
            setPage(1);
          }}
          data-testid="target-search"
        />
        <Space>
          <Switch
            checked={reportedOnly}
            onChange={(v) => {
              setReported(v);
              setPage(1);
            }}
            data-testid="reported-only"
          />
          <span>{t("filters.reportedOnly")}</span>
        </Space>
      </Space>
      {list.error && <Alert type="error" title={list.error.message} />}
      <Table<Row>
        data-testid="targets-table"
        size="middle"
        rowKey={(r) => `${r.targetId}-${r.raterGroup}`}
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        scroll={{ x: "max-content" }}
        onChange={(_, __, sorter) => {
          const s = Array.isArray(sorter) ? sorter[0] : sorter;
          setSort(
            s?.order && s.columnKey
              ? { sort: s.columnKey as typeof sort.sort, order: s.order === "ascend" ? "asc" : "desc" }
              : { sort: "course", order: "asc" },
          );
        }}
        pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage, showSizeChanger: false, size: "small" }}
        columns={[
          {
            title: t("cols.course"),
            key: "course",
            render: (_, r) => (
              <div style={{ minWidth: 150, maxWidth: mobile ? "calc(100vw - 80px)" : 260, whiteSpace: "normal" }}>
                <Link href={href(r)} data-testid="target-link">
                  {courseName(r)}
                </Link>
                <div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {[r.sectionCode, r.term].filter(Boolean).join(" · ")}
                  </Typography.Text>
                </div>
                {mobile && (
                  <Space size={[6, 2]} wrap style={{ marginTop: 4 }}>
                    <GroupTag group={r.raterGroup} />
                    {r.provisional && r.n > 0 && <ProvisionalTag />}
                    {r.teacherName && <Typography.Text style={{ fontSize: 12 }}>{r.teacherName}</Typography.Text>}
                    {figures(r, (x) => (
                      <Typography.Text
                        style={{ fontSize: 12 }}
                      >{`${t("cols.mean")} ${fig.score(x.mean)} · ${t("cols.trimmed")} ${fig.score(x.trimmedMean)} · n=${x.n}`}</Typography.Text>
                    ))}
                  </Space>
                )}
              </div>
            ),
          },
          {
            title: t("cols.teacher"),
            key: "teacher",
            sorter: true,
            responsive: ["md"],
            render: (_, r) =>
              r.teacherName ? (
                <span>
                  {r.teacherName}
                  <Typography.Text type="secondary" style={{ fontSize: 12, marginInlineStart: 4 }}>
                    {r.teacherNumber}
                  </Typography.Text>
                </span>
              ) : (
                "—"
              ),
          },
          {
            title: t("cols.group"),
            key: "group",
            responsive: ["md"],
            render: (_, r) => (
              <Space size={4}>
                <GroupTag group={r.raterGroup} />
                {r.provisional && r.n > 0 && <ProvisionalTag />}
              </Space>
            ),
          },
          {
            title: t("cols.n"),
            key: "n",
            sorter: true,
            align: "right",
            responsive: ["md"],
            render: (_, r) => `${r.n} / ${fig.int(r.eligible)}`,
          },
          {
            title: t("cols.rate"),
            key: "responseRate",
            sorter: true,
            align: "right",
            responsive: ["lg"],
            render: (_, r) => fig.pct(r.responseRate),
          },
          {
            title: t("cols.mean"),
            key: "mean",
            sorter: true,
            align: "right",
            responsive: ["md"],
            render: (_, r) => figures(r, (x) => <b>{fig.score(x.mean)}</b>),
          },
          {
            title: <Help label={t("cols.trimmed")} text={t("help.trimmed", { pct: 10 })} />,
            key: "trimmed",
            align: "right",
            responsive: ["md"],
            render: (_, r) => (r.reported ? fig.score(r.trimmedMean) : ""),
          },
          {
            title: t("cols.median"),
            key: "median",
            align: "right",
            responsive: ["xl"],
            render: (_, r) => (r.reported ? fig.score(r.median) : ""),
          },
          { title: t("cols.sd"), key: "sd", align: "right", responsive: ["xl"], render: (_, r) => (r.reported ? fig.score(r.sd) : "") },
          {
            title: <Help label={t("cols.ci")} text={t("help.ci")} />,
            key: "ci",
            responsive: ["lg"],
            render: (_, r) => (r.reported ? <span style={{ whiteSpace: "nowrap" }}>{fig.ci(r.ci95)}</span> : ""),
          },
          {
            title: <Help label={t("cols.reliability")} text={t("help.reliability")} />,
            key: "reliability",
            align: "right",
            responsive: ["lg"],
            render: (_, r) => pooled(r, (x) => fig.coef(x.reliability)),
          },
          {
            title: <Help label={t("cols.eb")} text={t("help.eb")} />,
            key: "ebScore",
            sorter: true,
            align: "right",
            responsive: ["lg"],
            render: (_, r) => pooled(r, (x) => fig.score(x.ebScore)),
          },
          {
            title: <Help label={t("cols.percentile")} text={t("help.percentile", { group: "" })} />,
            key: "pct",
            align: "right",
            responsive: ["lg"],
            render: (_, r) =>
              pooled(r, (x) =>
                x.norm ? (
                  <span style={{ whiteSpace: "nowrap" }}>{`${fig.score(x.norm.percentileRank)} · ${x.norm.rank}/${x.norm.of}`}</span>
                ) : x.rankWithheld ? (
                  <RankWithheld reliability={x.reliability} low={x.reliabilityLow} min={minReliability} />
                ) : (
                  ""
                ),
              ),
          },
          { title: t("cols.flags"), key: "flags", responsive: ["lg"], render: (_, r) => <QualityTags q={r.quality} /> },
        ]}
      />
    </>
  );
}

function CompositesTab({ policyId, minReliability }: { policyId: number; minReliability: number }) {
  const trpc = useTRPC();
  const t = useTranslations("results");
  const tg = useTranslations("campaigns.raterGroups");
  const locale = useLocale();
  const fig = useFig();
  const mobile = useMobile();
  const [period, setPeriod] = useState<"year" | number>("year");
  const [q, setQ] = useState("");
  const [page, setPage] = useState(1);
  const list = useQuery(trpc.scoring.composites.queryOptions({ policyId, period, q: q || undefined, page, pageSize: 20 }));
  type Row = ScoringOut["composites"]["items"][number];
  const rank = (r: number | null, of: number | null) => (r === null ? "—" : `${r}/${of}`);
  const ranks = (r: Row) =>
    r.score === null ? (
      ""
    ) : r.rankWithheld ? (
      <RankWithheld reliability={r.reliability ?? null} low={r.reliabilityLow ?? null} min={minReliability} />
    ) : (
      <span
        style={{ whiteSpace: "nowrap" }}
      >{`${rank(r.ranks.office, r.ranks.officeOf)} · ${rank(r.ranks.college, r.ranks.collegeOf)} · ${rank(r.ranks.school, r.ranks.schoolOf)}`}</span>
    );
  const score = (r: Row) =>
    r.score === null ? (
      <Typography.Text type="secondary" data-testid="no-data">
        {t("compositeNoData")}
      </Typography.Text>
    ) : (
      <b>{fig.score(r.score)}</b>
    );
  const parts = (r: Row) =>
    r.score === null ? (
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t("compositeNoDataHint")}
      </Typography.Text>
    ) : (
      <Space orientation="vertical" size={2}>
        {r.parts.map((p, i) => (
          <Space key={i} size={[4, 2]} wrap>
            {Object.entries(p.used).map(([g, w]) => (
              <Tag
                key={g}
              >{`${tg(g as GroupKey<"campaigns.raterGroups">)} ${Math.round((w ?? 0) * 100)}% · ${fig.score(p.groups[g as keyof typeof p.groups]?.score)}`}</Tag>
            ))}
          </Space>
        ))}
        {r.renormalised && (
          <Typography.Text type="warning" style={{ fontSize: 12 }} data-testid="renormalised">
            {t("renormalised", { groups: r.missing.map((g) => tg(g)).join(locale === "en" ? ", " : "、") })}
          </Typography.Text>
        )}
      </Space>
    );
  if (list.data?.withheld) {
    return (
      <>
        <Select
          style={{ minWidth: 150, marginBottom: 12 }}
          value={period}
          onChange={(v) => {
            setPeriod(v);
            setPage(1);
          }}
          data-testid="period-select"
          options={[
            { value: "year" as const, label: t("period.year") },
            ...(list.data.terms ?? []).map((x) => ({ value: x.id, label: x.code })),
          ]}
        />
        <Alert type="info" showIcon title={t("compositesWithheld")} data-testid="composites-withheld" />
      </>
    );
  }
  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          style={{ minWidth: 150 }}
          value={period}
          onChange={(v) => {
            setPeriod(v);
            setPage(1);
          }}
          data-testid="period-select"
          options={[
            { value: "year" as const, label: t("period.year") },
            ...(list.data?.terms ?? []).map((x) => ({ value: x.id, label: x.code })),
          ]}
        />
        <Input.Search
          allowClear
          placeholder={t("cols.teacher")}
          style={{ width: 200 }}
          onSearch={(v) => {
            setQ(v.trim());
            setPage(1);
          }}
        />
      </Space>
      {list.data?.provisional && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          title={t("compositesProvisional")}
          data-testid="composites-provisional"
        />
      )}
      <Table<Row>
        data-testid="composites-table"
        size="middle"
        rowKey={(r) => `${r.teacherId}-${r.termId}`}
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        scroll={{ x: "max-content" }}
        pagination={{ current: page, pageSize: 20, total: list.data?.total ?? 0, onChange: setPage, showSizeChanger: false, size: "small" }}
        columns={[
          {
            title: t("cols.teacher"),
            key: "teacher",
            render: (_, r) => (
              <div style={{ minWidth: 120, maxWidth: mobile ? "calc(100vw - 80px)" : 220, whiteSpace: "normal" }}>
                <div>
                  {r.teacherName}
                  <Typography.Text type="secondary" style={{ fontSize: 12, marginInlineStart: 4 }}>
                    {r.teacherNumber}
                  </Typography.Text>
                </div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {(locale === "en" && r.unitNameEn) || r.unitName}
                </Typography.Text>
                {mobile && (
                  <div style={{ marginTop: 4 }}>
                    {score(r)}
                    <Typography.Text type="secondary" style={{ fontSize: 12, marginInlineStart: 8 }}>
                      {ranks(r)}
                    </Typography.Text>
                    <div>{parts(r)}</div>
                  </div>
                )}
              </div>
            ),
          },
          { title: t("cols.composite"), key: "score", align: "right", responsive: ["md"], render: (_, r) => score(r) },
          { title: t("cols.parts"), key: "parts", responsive: ["md"], render: (_, r) => parts(r) },
          {
            title: <Help label={t("cols.reliability")} text={t("help.compositeReliability")} />,
            key: "reliability",
            align: "right",
            responsive: ["lg"],
            render: (_, r) => (r.score === null ? "" : fig.coef(r.reliability)),
          },
          { title: t("cols.ranks"), key: "ranks", responsive: ["md"], render: (_, r) => ranks(r) },
          {
            title: t("cols.t"),
            key: "t",
            align: "right",
            responsive: ["lg"],
            render: (_, r) => (r.score === null ? "" : fig.score(r.norm?.t)),
          },
          {
            title: <Help label={t("cols.percentile")} text={t("help.percentile", { group: "" })} />,
            key: "pct",
            align: "right",
            responsive: ["lg"],
            render: (_, r) => (r.score === null ? "" : fig.score(r.norm?.percentileRank)),
          },
        ]}
      />
    </>
  );
}

function ReliabilityTab({ policyId }: { policyId: number }) {
  const trpc = useTRPC();
  const t = useTranslations("results");
  const locale = useLocale();
  const fig = useFig();
  const mobile = useMobile();
  const list = useQuery(trpc.scoring.reliability.queryOptions({ policyId }));
  type Row = ScoringOut["reliability"][number];
  // no number of raters reaches a reliability when ICC(1) ≤ 0
  const raters = (r: Row, n: number | null) =>
    n !== null ? (
      n
    ) : r.unavailable || r.icc1 === null ? (
      "—"
    ) : (
      <Tooltip title={t("help.ratersUnreachable")}>
        <Typography.Text type="secondary">{t("ratersUnreachable")}</Typography.Text>
      </Tooltip>
    );
  // a negative ICC is no reliability at all: "not reliable" with why, never the number (ICC(k) = −17 says nothing)
  const icc1 = (r: Row) =>
    r.unavailable ? (
      <Typography.Text type="secondary">{t(`unavailable.${r.unavailable}`)}</Typography.Text>
    ) : r.icc1 !== null && r.icc1 < 0 ? (
      <NotReliable />
    ) : (
      fig.icc(r.icc1)
    );
  const icck = (r: Row) => (r.unavailable ? "" : r.icck !== null && r.icck < 0 ? <NotReliable /> : fig.icc(r.icck));
  const unit = (r: Row) => (locale === "en" && r.unitEn) || r.unit || "—";
  const instrument = (r: Row) => `${(locale === "en" && r.instrumentEn) || r.instrument} v${r.version}`;
  return (
    <>
      <Typography.Paragraph type="secondary">{t("help.icc")}</Typography.Paragraph>
      <Table<Row>
        data-testid="reliability-table"
        size="middle"
        rowKey="key"
        loading={list.isFetching}
        dataSource={list.data ?? []}
        scroll={{ x: "max-content" }}
        pagination={{ pageSize: 20, hideOnSinglePage: true, size: "small" }}
        columns={[
          {
            title: mobile ? t("cols.unit") : t("cols.term"),
            key: "term",
            render: (_, r) =>
              !mobile ? (
                (r.term ?? r.campaign)
              ) : (
                // a phone: one column holding the row
                <div style={{ maxWidth: "calc(100vw - 80px)", whiteSpace: "normal" }}>
                  <div>{`${unit(r)} · ${instrument(r)}`}</div>
                  <Space size={[6, 2]} wrap style={{ marginTop: 4 }}>
                    <GroupTag group={r.group} />
                    {r.provisional && <ProvisionalTag />}
                    <Typography.Text
                      type="secondary"
                      style={{ fontSize: 12 }}
                    >{`${r.term ?? r.campaign ?? ""} · ${t("cols.k")} ${r.k} · ${t("cols.ratings")} ${r.N}`}</Typography.Text>
                  </Space>
                  <Space size={[8, 2]} wrap style={{ marginTop: 4, fontSize: 13 }}>
                    <span>
                      {t("cols.icc1")} {icc1(r)}
                    </span>
                    {!r.unavailable && (
                      <span>
                        {t("cols.icck")} {icck(r)}
                      </span>
                    )}
                    {!r.unavailable && (
                      <span>
                        {t("cols.raters07")} {raters(r, r.ratersFor07)}
                      </span>
                    )}
                  </Space>
                </div>
              ),
          },
          { title: t("cols.unit"), key: "unit", responsive: ["md"], render: (_, r) => unit(r) },
          { title: t("cols.instrument"), key: "instrument", responsive: ["md"], render: (_, r) => instrument(r) },
          {
            title: t("cols.group"),
            key: "group",
            responsive: ["md"],
            render: (_, r) => (
              <Space size={4}>
                <GroupTag group={r.group} />
                {r.provisional && <ProvisionalTag />}
              </Space>
            ),
          },
          { title: t("cols.k"), dataIndex: "k", align: "right", responsive: ["md"] },
          { title: t("cols.ratings"), dataIndex: "N", align: "right", responsive: ["md"] },
          { title: t("cols.icc1"), key: "icc1", align: "right", responsive: ["md"], render: (_, r) => icc1(r) },
          { title: t("cols.icck"), key: "icck", align: "right", responsive: ["md"], render: (_, r) => icck(r) },
          { title: t("cols.raters07"), key: "r07", align: "right", responsive: ["md"], render: (_, r) => raters(r, r.ratersFor07) },
          { title: t("cols.raters08"), key: "r08", align: "right", responsive: ["md"], render: (_, r) => raters(r, r.ratersFor08) },
        ]}
      />
    </>
  );
}

function CampaignsTab({ year, canPublish }: { year: Year; canPublish: boolean }) {
  const trpc = useTRPC();
  const t = useTranslations("results");
  const qc = useQueryClient();
  const { message } = App.useApp();
  const publish = useMutation(
    trpc.campaigns.publish.mutationOptions({
      onSuccess: () => {
        void message.success(t("published"));
        void qc.invalidateQueries({ queryKey: trpc.scoring.pathKey() });
      },
      onError: (e) => {
        void message.error(e.message);
      },
    }),
  );
  type Row = Year["campaigns"][number];
  return (
    <Table<Row>
      data-testid="year-campaigns-table"
      size="middle"
      rowKey="id"
      dataSource={year.campaigns}
      scroll={{ x: "max-content" }}
      pagination={false}
      columns={[
        {
          title: t("cols.campaign"),
          key: "name",
          render: (_, c) => (
            <div style={{ minWidth: 160, whiteSpace: "normal" }}>
              {c.name}
              <div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {c.term}
                </Typography.Text>
              </div>
            </div>
          ),
        },
        { title: t("cols.state"), key: "state", render: (_, c) => <StateTag state={c.state} /> },
        { title: t("cols.targetsCount"), dataIndex: "targets", align: "right" },
        { title: t("cols.responses"), dataIndex: "responses", align: "right" },
        {
          title: "",
          key: "actions",
          render: (_, c) => (
            <Space wrap>
              {c.source === "platform" && <Link href={`/admin/campaigns/${c.id}`}>{t("openCampaign")}</Link>}
              {canPublish && c.state === "closed" && (
                <Popconfirm
                  title={t("publishConfirm")}
                  okText={t("publish")}
                  overlayStyle={{ maxWidth: 320 }}
                  onConfirm={() => publish.mutate({ id: c.id })}
                  okButtonProps={{ "data-testid": "publish-ok" }}
                >
                  <Button size="small" type="primary" ghost loading={publish.isPending} data-testid="publish">
                    {t("publish")}
                  </Button>
                </Popconfirm>
              )}
            </Space>
          ),
        },
      ]}
    />
  );
}
