"use client";
import { useQuery } from "@tanstack/react-query";
import { Tag } from "antd";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { ListPage, UnitSelect, useListParams } from "../../../_components/ListPage";
import { useTRPC } from "../../../_components/trpc";
import type { GroupKey } from "@/server/i18n/messages";

/** seesPeople: the student counts link to the people list (PEOPLE_VIEW_ROLES only). */
export function ProgrammesList({ seesPeople = false }: { seesPeople?: boolean }) {
  const trpc = useTRPC();
  const t = useTranslations("admin");
  const tn = useTranslations("nav");
  const [params, setParams] = useListParams();
  const query = useQuery(
    trpc.org.programmes.queryOptions({ page: params.page, pageSize: params.pageSize, q: params.q, unitId: params.unitId }),
  );
  return (
    <ListPage
      title={tn("programmes")}
      params={params}
      setParams={setParams}
      query={query}
      rowKey="id"
      testid="programmes-table"
      filters={<UnitSelect value={params.unitId} onChange={(unitId) => setParams({ unitId })} />}
      columns={[
        { title: t("code"), dataIndex: "code" },
        { title: t("name"), dataIndex: "name" },
        { title: t("unit"), dataIndex: "unitName", responsive: ["md"] },
        {
          title: t("level"),
          dataIndex: "level",
          responsive: ["sm"],
          render: (v: string) => <Tag>{t(`levels.${v as GroupKey<"admin.levels">}`)}</Tag>,
        },
        {
          title: t("students"),
          dataIndex: "students",
          render: (n: number, p) => (seesPeople ? <Link href={`/admin/people?kind=student&q=${encodeURIComponent(p.name)}`}>{n}</Link> : n),
        },
      ]}
    />
  );
}
