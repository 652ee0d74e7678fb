"use client";
import type { inferRouterOutputs } from "@trpc/server";
import { Card, Empty, Space, Table, Tag, Tooltip, Typography } from "antd";
import { useFormatter, useTranslations } from "next-intl";
import type { AppRouter } from "@/server/api/root";
import { historyOption } from "@/server/shared/appraisal/charts";
import { EChart } from "../EChart";
import type { GroupKey } from "@/server/i18n/messages";

export type AppraisalOut = inferRouterOutputs<AppRouter>["appraisal"];
export type TeacherPage = AppraisalOut["mine"];
type Rules = AppraisalOut["years"][number]["rules"];

export const BAND_COLOUR: Record<string, string> = { excellent: "green", good: "blue", pass: "gold", fail: "red" };

export function useNum() {
  const format = useFormatter();
  return (x: number | null | undefined, digits = 1) =>
    x === null || x === undefined || !Number.isFinite(x)
      ? "—"
      : format.number(x, { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** The view log's kinds of look (server: appraisal, scoring/results, comments/review) and their words. */
const WHAT_KINDS = {
  "appraisal.teacher": "teacher",
  "appraisal.export": "export",
  "results.target": "results",
  "results.export": "resultsExport",
  "comments.review": "comments",
} as const;

/** What a view-log row says was looked at ("appraisal.teacher", "results.target", …), in words. */
export function useWhatLabel() {
  const t = useTranslations("appraisal.page");
  return (what: string) => (what in WHAT_KINDS ? t(`whatKinds.${WHAT_KINDS[what as keyof typeof WHAT_KINDS]}`) : what);
}

export function BandTag({ band }: { band: string | null }) {
  const t = useTranslations("appraisal");
  return (
    <Tag color={band ? BAND_COLOUR[band] : undefined} data-testid="band-tag">
      {t(`bands.${(band ?? "none") as GroupKey<"appraisal.bands">}`)}
    </Tag>
  );
}

export function BorderlineTag() {
  const t = useTranslations("appraisal.page");
  return (
    <Tooltip title={t("borderlineHelp")}>
      <Tag color="orange" data-testid="borderline-tag">
        {t("cols.borderline")}
      </Tag>
    </Tooltip>
  );
}

/** Why the band is what it is, in words. */
export function HowReached({ row, rules }: { row: NonNullable<TeacherPage["row"]>; rules: Rules | undefined }) {
  const t = useTranslations("appraisal");
  const num = useNum();
  const band = t(`bands.${(row.band ?? "none") as GroupKey<"appraisal.bands">}`);
  const ev = row.evidence as { failed?: string; have?: number | null; need?: number } | null;
  let text: string;
  if (row.reason === "score") {
    text = t("page.reached.score", {
      score: num(row.score, 2),
      band,
      excellent: rules?.cutoffs.excellent ?? 90,
      good: rules?.cutoffs.good ?? 75,
      pass: rules?.cutoffs.pass ?? 60,
    });
  } else if (row.reason === "quota") {
    text = t("page.reached.quota", {
      band,
      scoreBand: t(`bands.${row.score === null ? "none" : row.score >= (rules?.cutoffs.excellent ?? 90) ? "excellent" : "good"}`),
    });
  } else if (row.reason === "insufficient_evidence") {
    const params = { have: ev?.have ?? "—", need: ev?.need ?? "—" };
    const why =
      ev?.failed === "terms"
        ? t("evidence.terms", params)
        : ev?.failed === "response_rate"
          ? t("evidence.response_rate", params)
          : t("evidence.composite");
    text = t("page.reached.insufficient_evidence", { why });
  } else if (row.reason === "exempt") text = t("page.reached.exempt", { kind: "" });
  else if (row.reason === "appeal") text = t("page.reached.appeal", { band });
  else text = t("page.reached.veto");
  return (
    <Typography.Paragraph data-testid="how-reached">
      {text}
      {row.annualFail ? ` ${t("annualFail")}` : ""}
    </Typography.Paragraph>
  );
}

/**
 * Composite → rater groups (weight, n, response rate, 95 % interval) → sections; the history chart.
 * The tables keep each cell on one line and scroll sideways on a phone (squeezed, "评价主体" and
 * "2025-2026-2" broke one character a line).
 */
export function Breakdown({ page, rules }: { page: TeacherPage; rules: Rules | undefined }) {
  const t = useTranslations("appraisal.page");
  const tr = useTranslations("campaigns.raterGroups");
  const tb = useTranslations("appraisal");
  const num = useNum();
  const groupName = (g: string) => tr(g as GroupKey<"campaigns.raterGroups">);
  return (
    <Space orientation="vertical" size={16} style={{ width: "100%" }}>
      <Card title={t("breakdown")} size="small">
        {page.composite ? (
          <Typography.Paragraph data-testid="composite-line">
            {t("cols.composite")}: <b>{num(page.composite.score, 2)}</b>
            {page.row?.ciLow != null && (
              <>
                {" "}
                · {t("cols.ci")} {num(page.row.ciLow)} – {num(page.row.ciHigh)}
              </>
            )}
          </Typography.Paragraph>
        ) : (
          <Empty description={t("empty")} />
        )}
        <Table
          size="small"
          rowKey={(g) => `${g.courseType}-${g.group}`}
          pagination={false}
          dataSource={page.groups.filter((g) => g.weight > 0)}
          scroll={{ x: "max-content" }}
          data-testid="groups-table"
          columns={[
            { title: t("group"), dataIndex: "group", render: (g: string) => groupName(g) },
            { title: t("weight"), dataIndex: "weight", render: (w: number) => `${num(w * 100, 0)}%` },
            { title: t("n"), dataIndex: "n" },
            { title: t("rate"), dataIndex: "responseRate", render: (r: number | null) => (r === null ? "—" : `${num(r * 100)}%`) },
            { title: t("score"), dataIndex: "score", render: (s: number) => num(s) },
            { title: t("cols.ci"), dataIndex: "ci95", render: (c: number[] | null) => (c ? `${num(c[0])} – ${num(c[1])}` : "—") },
          ]}
        />
      </Card>
      <Card title={t("sections")} size="small">
        <Table
          size="small"
          rowKey={(s) => `${s.term}-${s.section}-${s.group}`}
          pagination={false}
          dataSource={page.sections}
          scroll={{ x: "max-content" }}
          columns={[
            { title: t("term"), dataIndex: "term" },
            { title: t("course"), dataIndex: "course", render: (c: string | null, s) => `${c ?? ""} ${s.section ?? ""}` },
            { title: t("group"), dataIndex: "group", render: (g: string) => groupName(g) },
            { title: "n", dataIndex: "n" },
            { title: t("rate"), dataIndex: "responseRate", render: (r: number | null) => (r === null ? "—" : `${num(r * 100)}%`) },
            { title: t("score"), dataIndex: "mean", render: (m: number | null) => num(m) },
            { title: t("cols.ci"), dataIndex: "ci95", render: (c: number[] | null) => (c ? `${num(c[0])} – ${num(c[1])}` : "—") },
          ]}
        />
      </Card>
      <Card title={t("history")} size="small">
        {page.history.length ? (
          <EChart
            testid="history-chart"
            height={220}
            option={historyOption(page.history, rules?.cutoffs ?? { excellent: 90, good: 75, pass: 60 }, (b) =>
              tb(`bands.${(b ?? "none") as GroupKey<"appraisal.bands">}`),
            )}
          />
        ) : (
          <Empty description={t("empty")} />
        )}
      </Card>
    </Space>
  );
}

export function AppealsList({ appeals }: { appeals: TeacherPage["appeals"] }) {
  const t = useTranslations("appraisal.page");
  const format = useFormatter();
  const day = (d: Date | string | null) => (d ? format.dateTime(new Date(d), { dateStyle: "medium" }) : "—");
  if (appeals.length === 0) return <Typography.Text type="secondary">{t("empty")}</Typography.Text>;
  return (
    <Space orientation="vertical" style={{ width: "100%" }} data-testid="appeals-list">
      {appeals.map((a) => (
        <Card key={a.id} size="small">
          <Typography.Text>
            {t("appealLine", {
              stage: t(`appealStage.${a.stage}`),
              subject: t(`appealSubject.${a.subject}`),
              status: t(`appealStatus.${a.status}`),
              filed: day(a.filedAt),
              due: a.dueOn ?? "—",
              decided: day(a.decidedAt),
            })}
          </Typography.Text>
          <div>
            <Typography.Text type="secondary">{a.reason}</Typography.Text>
          </div>
          {a.attachmentName && (
            <div>
              <a href={`/api/appraisal/appeals/${a.id}/attachment`} data-testid="appeal-attachment-link">
                {t("attachmentLink", { name: a.attachmentName })}
              </a>
            </div>
          )}
          {a.decisionNote && (
            <div data-testid="decision-note">
              {t("note")}: {a.decisionNote}
            </div>
          )}
        </Card>
      ))}
    </Space>
  );
}
