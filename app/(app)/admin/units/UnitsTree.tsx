"use client";
import { Card, Table, Tag, Typography } from "antd";
import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { useMemo } from "react";
import { useTRPC } from "../../../_components/trpc";
import type { GroupKey } from "@/server/i18n/messages";

type Unit = {
  id: number;
  code: string;
  name: string;
  nameEn: string | null;
  kind: string;
  parentId: number | null;
  programmes: number;
  staff: number;
};
type Node = Unit & { children?: Node[] };

/** seesPeople: the staff counts link to the people list (PEOPLE_VIEW_ROLES only). */
export function UnitsTree({ seesPeople = false }: { seesPeople?: boolean }) {
  const trpc = useTRPC();
  const t = useTranslations("admin");
  const tn = useTranslations("nav");
  const q = useQuery(trpc.org.units.queryOptions());
  const tree = useMemo(() => {
    const rows = q.data ?? [];
    const byId = new Map<number, Node>(rows.map((u) => [u.id, { ...u }]));
    const roots: Node[] = [];
    for (const n of byId.values()) {
      const parent = n.parentId ? byId.get(n.parentId) : undefined;
      if (parent) (parent.children ??= []).push(n);
      else roots.push(n);
    }
    return roots;
  }, [q.data]);
  return (
    <Card
      title={
        <Typography.Title level={4} style={{ margin: 0 }}>
          {tn("units")}
        </Typography.Title>
      }
    >
      {q.error && <Typography.Text type="danger">{q.error.message}</Typography.Text>}
      {tree.length > 0 && (
        <Table<Node>
          data-testid="units-table"
          rowKey="id"
          size="middle"
          dataSource={tree}
          loading={q.isFetching}
          pagination={false}
          scroll={{ x: "max-content" }}
          expandable={{ defaultExpandAllRows: true }}
          columns={[
            {
              title: t("name"),
              dataIndex: "name",
              render: (v, u) => (
                <span>
                  {v}
                  {u.nameEn && (
                    <Typography.Text type="secondary" style={{ marginLeft: 8, fontSize: 12 }}>
                      {u.nameEn}
                    </Typography.Text>
                  )}
                </span>
              ),
            },
            { title: t("code"), dataIndex: "code", responsive: ["sm"] },
            { title: t("kind"), dataIndex: "kind", render: (k: string) => <Tag>{t(`kinds.${k as GroupKey<"admin.kinds">}`)}</Tag> },
            {
              title: t("programme"),
              dataIndex: "programmes",
              responsive: ["md"],
              render: (n: number, u) => (n ? <Link href={`/admin/programmes?unitId=${u.id}`}>{n}</Link> : "—"),
            },
            {
              title: t("staff"),
              dataIndex: "staff",
              responsive: ["md"],
              render: (n: number, u) => (!n ? "—" : seesPeople ? <Link href={`/admin/people?unitId=${u.id}&kind=staff`}>{n}</Link> : n),
            },
          ]}
        />
      )}
    </Card>
  );
}
