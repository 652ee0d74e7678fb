"use client";
import { useQuery } from "@tanstack/react-query";
import { Card, List, Space, Typography } from "antd";
import { useLocale, useTranslations } from "next-intl";
import Link from "next/link";
import { GroupTag, useFig } from "../_components/results/parts";
import { useTRPC } from "../_components/trpc";
import { localName } from "@/server/shared/i18n/names";

/** A teacher's own published results (reported figures only) and composites. */
export function MyResults() {
  const t = useTranslations("results");
  const tp = useTranslations("results.period");
  const tg = useTranslations("campaigns.raterGroups");
  const trpc = useTRPC();
  const locale = useLocale();
  const fig = useFig();
  const q = useQuery(trpc.scoring.mine.queryOptions());
  const data = q.data;
  if (!data || (data.targets.length === 0 && data.composites.length === 0)) return null;
  return (
    <Card title={t("mine.title")} data-testid="my-results">
      <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
        {t("mine.hint")}
      </Typography.Paragraph>
      {data.composites
        .filter((c) => c.score !== null)
        .map((c) => (
          <div key={`${c.schoolYear}-${c.term}`} style={{ marginBottom: 8 }} data-testid="my-composite">
            <Space wrap size={[8, 0]}>
              <Typography.Text
                strong
              >{`${c.term ?? `${c.schoolYear} ${tp("year")}`} · ${t("mine.composite")} ${fig.score(c.score)}`}</Typography.Text>
              {c.ranks.school !== null && (
                <Typography.Text type="secondary">{t("mine.rank", { rank: c.ranks.school, of: c.ranks.schoolOf ?? 0 })}</Typography.Text>
              )}
              {c.pending && (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t("mine.pending")}
                </Typography.Text>
              )}
              {c.renormalised && (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t("renormalised", { groups: c.missing.map((g) => tg(g)).join(locale === "en" ? ", " : "、") })}
                </Typography.Text>
              )}
            </Space>
          </div>
        ))}
      <List
        dataSource={data.targets}
        renderItem={(r) => (
          <List.Item
            data-testid="my-result"
            extra={
              r.reported ? (
                <Link href={`/results/${r.policyId}/${r.targetId}/${r.raterGroup}`} style={{ whiteSpace: "nowrap" }}>
                  {t("mine.details")}
                </Link>
              ) : null
            }
          >
            <div style={{ width: "100%", minWidth: 0 }}>
              <Space wrap size={[8, 2]}>
                <Typography.Text strong>{localName(locale, r.courseName, r.courseNameEn)}</Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {[r.sectionCode, r.term].filter(Boolean).join(" · ")}
                </Typography.Text>
                <GroupTag group={r.raterGroup} />
              </Space>
              <div style={{ fontSize: 13, marginTop: 2 }}>
                {r.reported && r.figures ? (
                  <Typography.Text>
                    {`${t("cols.mean")} ${fig.score(r.figures.mean)} · ${t("cols.trimmed")} ${fig.score(r.figures.trimmedMean)} · ${t("cols.ci")} ${fig.ci(r.figures.ci95)} · n=${r.n}`}
                    {r.figures.percentileRank !== null ? ` · ${t("cols.percentile")} ${fig.score(r.figures.percentileRank)}` : ""}
                  </Typography.Text>
                ) : (
                  <Typography.Text type="secondary">{r.n === 0 ? t("noData") : t("tooFew", { n: r.n })}</Typography.Text>
                )}
              </div>
            </div>
          </List.Item>
        )}
      />
    </Card>
  );
}
