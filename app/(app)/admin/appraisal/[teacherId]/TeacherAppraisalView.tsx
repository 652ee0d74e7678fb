"use client";
import { useQuery } from "@tanstack/react-query";
import { Alert, Card, Space, Spin, Tag, Typography } from "antd";
import { useTranslations } from "next-intl";
import { useSearchParams } from "next/navigation";
import { AppealsList, BandTag, BorderlineTag, Breakdown, HowReached } from "../../../../_components/appraisal/parts";
import { useTRPC } from "../../../../_components/trpc";
import type { GroupKey } from "@/server/i18n/messages";

export function TeacherAppraisalView({ teacherId }: { teacherId: number }) {
  const trpc = useTRPC();
  const t = useTranslations("appraisal.page");
  const sp = useSearchParams();
  const years = useQuery(trpc.appraisal.years.queryOptions());
  const year = years.data?.find((y) => y.schoolYear === sp.get("year")) ?? years.data?.[0];
  const page = useQuery({ ...trpc.appraisal.teacher.queryOptions({ teacherId, schoolYear: year?.schoolYear ?? "0000-0001" }), enabled: !!year, staleTime: 0 });
  if (years.isLoading || page.isLoading) return <Card><Spin /></Card>;
  if (page.error) return <Alert type="error" title={page.error.message} data-testid="page-error" />;
  if (!page.data || !year) return null;
  const p = page.data;
  return (
    <Space orientation="vertical" size={16} style={{ width: "100%" }}>
      <Card title={<Typography.Title level={4} style={{ margin: 0 }}>{t("teacherTitle", { name: p.teacher.name, number: p.teacher.number, year: p.schoolYear })}</Typography.Title>}>
        {p.row ? (
          <Space orientation="vertical">
            <Space wrap><BandTag band={p.row.band} />{p.row.borderline && <BorderlineTag />}
              {p.row.annualFail && <Tag color="red">{t("annualFlag")}</Tag>}
              {p.row.rank !== null && <Typography.Text type="secondary">{t("cols.rank")} {p.row.rank}/{p.row.rankOf}</Typography.Text>}</Space>
            <HowReached row={p.row} rules={year.rules} />
          </Space>
        ) : <Typography.Text type="secondary">{t("empty")}</Typography.Text>}
        {p.vetoes.map((v) => (
          <Alert key={v.id} type={v.revokedAt ? "info" : "error"} style={{ marginTop: 8 }} data-testid="veto-line"
            title={`${t("vetoLine", { code: t(`vetoCodes.${v.code as GroupKey<"appraisal.page.vetoCodes">}`), documentNo: v.documentNo ?? "—", decidedOn: v.decidedOn, months: v.months, reason: v.reason })}${v.revokedAt ? ` · ${t("revoked", { reason: v.revokeReason ?? "" })}` : ""}`} />
        ))}
      </Card>
      <Breakdown page={p} rules={year.rules} />
      <Card size="small" title={t("appealsTitle")}><AppealsList appeals={p.appeals} /></Card>
      <Card size="small" title={t("versionsTitle")}>
        {p.versions.map((v) => (
          <div key={v.version}>{t("versionLine", { version: v.version, status: t(`status.${v.status}`) })} · <BandTag band={v.band} /> {v.reason ?? ""}</div>
        ))}
      </Card>
    </Space>
  );
}
