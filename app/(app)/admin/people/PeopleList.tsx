"use client";
import { useQuery } from "@tanstack/react-query";
import { Select, Tag } from "antd";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { ROLE_KEYS, type RoleKey } from "../../../_components/roles";
import { ListPage, UnitSelect, useListParams } from "../../../_components/ListPage";
import { useTRPC } from "../../../_components/trpc";
import type { GroupKey } from "@/server/i18n/messages";

export function PeopleList() {
  const trpc = useTRPC();
  const t = useTranslations("admin");
  const tc = useTranslations("common");
  const tn = useTranslations("nav");
  const [params, setParams] = useListParams(["kind", "role"]);
  const kind = params.kind === "staff" || params.kind === "student" ? params.kind : undefined;
  const role = ROLE_KEYS.includes(params.role as RoleKey) ? (params.role as RoleKey) : undefined;
  const query = useQuery(
    trpc.people.list.queryOptions({ page: params.page, pageSize: params.pageSize, q: params.q, unitId: params.unitId, kind, role }),
  );
  return (
    <ListPage
      title={tn("people")}
      params={params}
      setParams={setParams}
      query={query}
      rowKey="id"
      testid="people-table"
      filters={
        <>
          <UnitSelect value={params.unitId} onChange={(unitId) => setParams({ unitId })} />
          <Select
            allowClear
            placeholder={t("personKind")}
            style={{ minWidth: 120 }}
            value={kind}
            onChange={(v) => setParams({ kind: v ?? undefined })}
            options={(["staff", "student"] as const).map((k) => ({ value: k, label: t(`personKinds.${k}`) }))}
          />
          <Select
            allowClear
            placeholder={t("roles")}
            style={{ minWidth: 150 }}
            value={role}
            onChange={(v) => setParams({ role: v ?? undefined })}
            options={ROLE_KEYS.map((r) => ({ value: r, label: tc(`roles.${r as GroupKey<"common.roles">}`) }))}
          />
        </>
      }
      columns={[
        { title: t("number"), dataIndex: "number", render: (v: string, p) => <Link href={`/admin/people/${p.id}`}>{v}</Link> },
        { title: t("personName"), dataIndex: "name", render: (v: string, p) => <Link href={`/admin/people/${p.id}`}>{v}</Link> },
        { title: t("unit"), dataIndex: "unitName", responsive: ["md"], render: (v: string | null) => v ?? "—" },
        { title: t("className"), key: "cls", responsive: ["lg"], render: (_: unknown, p) => p.className ?? p.title ?? "—" },
        {
          title: t("roles"),
          dataIndex: "roles",
          render: (rs: string[]) => rs.map((r) => <Tag key={r}>{tc(`roles.${r as GroupKey<"common.roles">}`)}</Tag>),
        },
        {
          title: t("status"),
          dataIndex: "active",
          responsive: ["sm"],
          render: (a: boolean) => (a ? <Tag color="green">{t("active")}</Tag> : <Tag>{t("inactive")}</Tag>),
        },
      ]}
    />
  );
}
