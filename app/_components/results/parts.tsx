"use client";
import { QuestionCircleOutlined } from "@ant-design/icons";
import type { inferRouterOutputs } from "@trpc/server";
import { Alert, Card, Col, Descriptions, Empty, Progress, Row, Space, Statistic, Tag, Tooltip, Typography } from "antd";
import { useFormatter, useLocale, useTranslations } from "next-intl";
import type { ReactNode } from "react";
import type { AppRouter } from "@/server/api/root";
import { localName } from "@/server/shared/i18n/names";
import { QUALITY_RULES, type PerRule } from "@/server/shared/scoring/quality";
import type { GroupKey } from "@/server/i18n/messages";

export type ScoringOut = inferRouterOutputs<AppRouter>["scoring"];
export type TargetDetailData = ScoringOut["target"];

/** Scores with one decimal, coefficients (reliability, ICC, z) with two or three. */
export function useFig() {
  const format = useFormatter();
  const num = (x: number | null | undefined, digits: number) =>
    x === null || x === undefined || !Number.isFinite(x)
      ? "—"
      : format.number(x, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return {
    score: (x: number | null | undefined) => num(x, 1),
    coef: (x: number | null | undefined) => num(x, 2),
    icc: (x: number | null | undefined) => num(x, 3),
    pct: (x: number | null | undefined) => (x === null || x === undefined ? "—" : `${num(x * 100, 1)}%`),
    int: (x: number | null | undefined) => (x === null || x === undefined ? "—" : format.number(x)),
    ci: (ci: { low: number; high: number } | null | undefined) => (ci ? `${num(ci.low, 1)} – ${num(ci.high, 1)}` : "—"),
  };
}

/** A term with its explanation on hover (or tap). */
export function Help({ label, text }: { label: ReactNode; text: string }) {
  return (
    <Space size={4} style={{ whiteSpace: "nowrap" }}>
      {label}
      <Tooltip title={text}>
        <QuestionCircleOutlined style={{ color: "#8c8c8c" }} aria-label={text} />
      </Tooltip>
    </Space>
  );
}

/** Figures derived from a campaign that has not closed (the quality office only sees them). */
export function ProvisionalTag() {
  const t = useTranslations("results");
  return (
    <Tooltip title={t("provisionalHelp")}>
      <Tag color="orange" data-testid="provisional-tag">
        {t("provisional")}
      </Tag>
    </Tooltip>
  );
}

/** A figure pooled with a running campaign's: shown once it closes. */
export function PendingMark() {
  const t = useTranslations("results");
  return (
    <Tooltip title={t("pendingHelp")}>
      <Typography.Text type="secondary" data-testid="pending">
        {t("pending")}
      </Typography.Text>
    </Tooltip>
  );
}

/** No percentile or rank: the figure's reliability is below the policy's minimum (or unknown). */
export function RankWithheld({ reliability, low, min }: { reliability: number | null; low: number | null; min: number }) {
  const t = useTranslations("results");
  const fig = useFig();
  const why =
    reliability === null || low === null
      ? t("help.rankUnknown")
      : t("help.rankWithheld", { reliability: fig.coef(reliability), low: fig.coef(low), min: fig.coef(min) });
  return (
    <Help
      label={
        <Typography.Text type="secondary" data-testid="rank-withheld">
          {t("rankWithheld")}
        </Typography.Text>
      }
      text={why}
    />
  );
}

/** A negative ICC: no reliability, said in words with why (the number itself means nothing). */
export function NotReliable() {
  const t = useTranslations("results");
  return (
    <Tooltip title={t("help.negative")}>
      <Tag color="warning" style={{ marginInlineEnd: 0 }} data-testid="not-reliable" aria-label={t("help.negative")}>
        {t("notReliable")}
      </Tag>
    </Tooltip>
  );
}

export function GroupTag({ group }: { group: string }) {
  const t = useTranslations("campaigns.raterGroups");
  const color: Record<string, string> = {
    student: "blue",
    supervisor: "purple",
    peer: "cyan",
    leader: "magenta",
    self: "default",
    alumni: "geekblue",
    employer: "gold",
  };
  return <Tag color={color[group]}>{t(group as GroupKey<"campaigns.raterGroups">)}</Tag>;
}

type Quality = { unscored: number; excluded: number; capExceeded: boolean } & PerRule<number>;

/** The quality flags of a target (one tag per rule of the registry that flagged any); `none` says so when there are none (on the detail page). */
export function QualityTags({ q, none = false }: { q: Quality; none?: boolean }) {
  const t = useTranslations("results.flags");
  const flagged = QUALITY_RULES.reduce((a, r) => a + q[r.id], 0);
  return (
    <Space size={[4, 4]} wrap>
      {QUALITY_RULES.map(
        (r) =>
          q[r.id] > 0 && (
            <Tag key={r.id} color="orange">
              {t(r.id, { n: q[r.id] })}
            </Tag>
          ),
      )}
      {q.excluded > 0 && <Tag color="red">{t("excluded", { n: q.excluded })}</Tag>}
      {q.capExceeded && <Tag color="red">{t("capExceeded")}</Tag>}
      {q.unscored > 0 && <Tag>{t("unscored", { n: q.unscored })}</Tag>}
      {none && flagged + q.excluded + q.unscored === 0 && !q.capExceeded && <Typography.Text type="secondary">{t("none")}</Typography.Text>}
    </Space>
  );
}

export const localText = (locale: string, v: { zh: string; en: string } | null | undefined) =>
  v ? (locale === "en" && v.en ? v.en : v.zh) : "";

/** One target × rater group in full: figures, indicator means, each item's distribution. */
export function TargetDetail({ data }: { data: TargetDetailData }) {
  const t = useTranslations("results");
  const locale = useLocale();
  const fig = useFig();
  const h = data.header;
  const course = localName(locale, h.courseName, h.courseNameEn);
  // in the card's body, not its title bar: a long course name wraps instead of being cut
  const title = (
    <Space orientation="vertical" size={0} style={{ marginBottom: 16 }}>
      <Typography.Title level={4} style={{ margin: 0 }} data-testid="detail-title">
        {course ?? h.campaign}
      </Typography.Title>
      <Typography.Text type="secondary">{[h.sectionCode, h.teacherName, h.term, h.campaign].filter(Boolean).join(" · ")}</Typography.Text>
      <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="detail-policy">
        {t("detail.policy", { year: data.policy.schoolYear, version: data.policy.version })}
        {data.policy.outOf !== 100 ? ` · ${t("detail.fullMark", { outOf: data.policy.outOf })}` : ""}
      </Typography.Text>
    </Space>
  );
  const notes = (
    <>
      {data.provisional && (
        <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={t("detail.provisional")} data-testid="provisional-note" />
      )}
      {data.pending && <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t("detail.pending")} data-testid="pending-note" />}
    </>
  );
  if (!data.reported || !data.figures) {
    return (
      <Card>
        {title}
        {notes}
        <Empty
          description={
            <Space orientation="vertical">
              <Typography.Text strong data-testid="too-few">
                {data.n === 0 ? t("noData") : t("tooFew", { n: data.n })}
              </Typography.Text>
              <Typography.Text type="secondary">{data.n === 0 ? t("noDataHint") : t("tooFewHint")}</Typography.Text>
            </Space>
          }
        />
      </Card>
    );
  }
  const f = data.figures;
  const v = f.valid;
  const trimPct = Math.round(data.policy.trim * 1000) / 10;
  const pending = <Typography.Text type="secondary">{t("pending")}</Typography.Text>;
  const percentile = data.pending ? (
    pending
  ) : f.norm ? (
    fig.score(f.norm.percentileRank)
  ) : f.rankWithheld ? (
    <RankWithheld reliability={f.reliability} low={f.reliabilityLow} min={data.policy.minReliability} />
  ) : (
    "—"
  );
  return (
    <Space orientation="vertical" size={16} style={{ width: "100%" }}>
      <Card data-testid="detail-figures">
        {title}
        {notes}
        <Row gutter={[16, 16]}>
          <Col xs={12} md={6}>
            <Statistic title={t("cols.mean")} value={fig.score(v.mean)} />
          </Col>
          <Col xs={12} md={6}>
            <Statistic
              title={<Help label={t("cols.trimmed")} text={t("help.trimmed", { pct: trimPct })} />}
              value={fig.score(v.trimmedMean)}
            />
          </Col>
          <Col xs={12} md={6}>
            <Statistic
              title={<Help label={t("cols.eb")} text={t("help.eb")} />}
              value={data.pending ? " " : fig.score(f.ebScore)}
              formatter={data.pending ? () => pending : undefined}
            />
          </Col>
          <Col xs={12} md={6}>
            <Statistic
              title={<Help label={t("cols.percentile")} text={t("help.percentile", { group: "" })} />}
              value={typeof percentile === "string" ? percentile : " "}
              formatter={typeof percentile === "string" ? undefined : () => percentile}
            />
          </Col>
        </Row>
        <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }} style={{ marginTop: 16 }}>
          <Descriptions.Item label={t("cols.n")}>{`${fig.int(v.n)} / ${fig.int(v.eligible)}`}</Descriptions.Item>
          <Descriptions.Item label={t("cols.rate")}>{fig.pct(v.responseRate)}</Descriptions.Item>
          <Descriptions.Item label={t("cols.median")}>{fig.score(v.median)}</Descriptions.Item>
          <Descriptions.Item label={t("cols.sd")}>{fig.score(v.sd)}</Descriptions.Item>
          <Descriptions.Item label={t("detail.se")}>{fig.coef(v.se)}</Descriptions.Item>
          <Descriptions.Item label={<Help label={t("cols.ci")} text={t("help.ci")} />}>{fig.ci(v.ci95)}</Descriptions.Item>
          <Descriptions.Item label={<Help label={t("cols.reliability")} text={t("help.reliability")} />}>
            {data.pending ? pending : fig.coef(f.reliability)}
          </Descriptions.Item>
          {f.norm && (
            <Descriptions.Item
              label={t("detail.norm", { of: f.norm.of })}
            >{`${t("detail.z")} ${fig.coef(f.norm.z)} · ${t("cols.t")} ${fig.score(f.norm.t)} · ${t("cols.rank")} ${f.norm.rank}/${f.norm.of}`}</Descriptions.Item>
          )}
          {f.all.n !== v.n && (
            <Descriptions.Item label={t("detail.all")}>{`n=${f.all.n} · ${t("cols.mean")} ${fig.score(f.all.mean)}`}</Descriptions.Item>
          )}
          <Descriptions.Item label={t("detail.quality")}>
            <QualityTags q={f.quality} none />
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card title={t("detail.indicators")} data-testid="detail-indicators">
        {data.indicators.map((ind) => (
          <div key={ind.id} style={{ paddingInlineStart: (ind.level - 1) * 20, marginBottom: 8 }}>
            <Space style={{ width: "100%", justifyContent: "space-between" }}>
              <Typography.Text strong={ind.level === 1}>{`${ind.id} ${localText(locale, ind.name)}`}</Typography.Text>
              <Typography.Text>{fig.score(ind.mean)}</Typography.Text>
            </Space>
            <Progress
              percent={ind.mean === null ? 0 : Math.round((ind.mean / data.policy.outOf) * 1000) / 10}
              showInfo={false}
              size="small"
              strokeColor={ind.level === 1 ? "#1d4e89" : "#69a1d9"}
            />
          </div>
        ))}
      </Card>
      <Card title={t("detail.items")} data-testid="detail-items">
        <Space orientation="vertical" size={16} style={{ width: "100%" }}>
          {data.items.map((it) => (
            <div key={it.id}>
              <Typography.Text strong>
                {localText(locale, it.title)}
                {it.row ? ` · ${localText(locale, it.row)}` : ""}
              </Typography.Text>
              {/* on the figures' scale (value / highest option × full mark), like every score on the page */}
              {it.mean !== null && (
                <Typography.Text type="secondary" style={{ marginInlineStart: 8, fontSize: 12 }}>
                  {t("detail.itemMean", { mean: fig.score(it.mean) })}
                </Typography.Text>
              )}
              {it.options
                .filter((o) => o.value !== "na" || o.count > 0)
                .map((o) => (
                  <Row key={String(o.value)} gutter={8} align="middle" wrap={false}>
                    <Col flex="120px" style={{ minWidth: 0 }}>
                      <Typography.Text ellipsis style={{ fontSize: 13 }}>
                        {localText(locale, o.label)}
                      </Typography.Text>
                    </Col>
                    <Col flex="auto" style={{ minWidth: 0 }}>
                      <Progress percent={Math.round(o.share * 1000) / 10} size="small" format={(p) => `${p}%`} />
                    </Col>
                    <Col flex="40px" style={{ textAlign: "right" }}>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {o.count}
                      </Typography.Text>
                    </Col>
                  </Row>
                ))}
            </div>
          ))}
        </Space>
      </Card>
    </Space>
  );
}
