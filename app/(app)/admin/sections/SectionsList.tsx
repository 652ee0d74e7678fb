"use client";
import { useQuery } from "@tanstack/react-query";
import { Select } from "antd";
import { useTranslations } from "next-intl";
import { ListPage, UnitSelect, useListParams } from "../../../_components/ListPage";
import { useTRPC } from "../../../_components/trpc";
import { useLocalName } from "../../../_components/localName";

export function SectionsList() {
  const trpc = useTRPC();
  const t = useTranslations("admin");
  const tn = useTranslations("nav");
  const cn = useLocalName();
  const [params, setParams] = useListParams(["termId"]);
  const termId = params.termId ? Number(params.termId) : undefined;
  const terms = useQuery(trpc.org.terms.queryOptions());
  const query = useQuery(
    trpc.org.sections.queryOptions({ page: params.page, pageSize: params.pageSize, q: params.q, unitId: params.unitId, termId }),
  );
  return (
    <ListPage
      title={tn("sections")}
      params={params}
      setParams={setParams}
      query={query}
      rowKey="id"
      testid="sections-table"
      filters={
        <>
          <Select
            style={{ minWidth: 150 }}
            value={termId ?? query.data?.termId ?? undefined}
            placeholder={t("term")}
            onChange={(v) => setParams({ termId: v })}
            options={(terms.data ?? []).map((x) => ({ value: x.id, label: x.code }))}
            data-testid="term-select"
          />
          <UnitSelect value={params.unitId} onChange={(unitId) => setParams({ unitId })} />
        </>
      }
      columns={[
        { title: t("code"), dataIndex: "code" },
        { title: t("course"), dataIndex: "courseName", render: (v: string, r) => cn(v, r.courseNameEn) },
        { title: t("teachers"), dataIndex: "teachers", render: (v: string) => v || "—" },
        { title: t("enrolled"), dataIndex: "enrolled" },
        { title: t("unit"), dataIndex: "unitName", responsive: ["md"] },
        { title: t("schedule"), dataIndex: "schedule", responsive: ["lg"], render: (v: string | null) => v ?? "—" },
      ]}
    />
  );
}
