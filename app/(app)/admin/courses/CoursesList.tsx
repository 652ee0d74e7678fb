"use client";
import { useQuery } from "@tanstack/react-query";
import { Select, Tag } from "antd";
import { useTranslations } from "next-intl";
import { ListPage, UnitSelect, useListParams } from "../../../_components/ListPage";
import { useTRPC } from "../../../_components/trpc";
import { useLocalName } from "../../../_components/localName";
import type { GroupKey } from "@/server/i18n/messages";

const TYPES = ["general", "foundation", "core", "elective", "practice", "pe"] as const;
type CourseType = (typeof TYPES)[number];

export function CoursesList() {
  const trpc = useTRPC();
  const t = useTranslations("admin");
  const tn = useTranslations("nav");
  const cn = useLocalName();
  const [params, setParams] = useListParams(["type"]);
  const type = TYPES.includes(params.type as CourseType) ? (params.type as CourseType) : undefined;
  const query = useQuery(
    trpc.org.courses.queryOptions({ page: params.page, pageSize: params.pageSize, q: params.q, unitId: params.unitId, type }),
  );
  return (
    <ListPage
      title={tn("courses")}
      params={params}
      setParams={setParams}
      query={query}
      rowKey="id"
      testid="courses-table"
      filters={
        <>
          <UnitSelect value={params.unitId} onChange={(unitId) => setParams({ unitId })} />
          <Select
            allowClear
            placeholder={t("type")}
            style={{ minWidth: 160 }}
            value={type}
            onChange={(v) => setParams({ type: v ?? undefined })}
            options={TYPES.map((v) => ({ value: v, label: t(`courseTypes.${v as GroupKey<"admin.courseTypes">}`) }))}
          />
        </>
      }
      columns={[
        { title: t("code"), dataIndex: "code" },
        { title: t("name"), dataIndex: "name", render: (v: string, r) => cn(v, r.nameEn) },
        { title: t("type"), dataIndex: "type", render: (v: string) => <Tag>{t(`courseTypes.${v as GroupKey<"admin.courseTypes">}`)}</Tag> },
        { title: t("unit"), dataIndex: "unitName", responsive: ["md"] },
        { title: t("programme"), dataIndex: "programmeName", responsive: ["lg"], render: (v: string | null) => v ?? "—" },
        { title: t("credits"), dataIndex: "credits", responsive: ["sm"] },
        { title: t("hours"), dataIndex: "hours", responsive: ["lg"] },
      ]}
    />
  );
}
