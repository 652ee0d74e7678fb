"use client";
import { useQuery } from "@tanstack/react-query";
import { Card, Space, Table, Tag, Typography } from "antd";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { useTRPC } from "../../_components/trpc";

export function AttainmentHome() {
  const trpc = useTRPC();
  const t = useTranslations("attainment.page");
  const tn = useTranslations("nav");
  const te = useTranslations("attainment.editor");
  const q = useQuery(trpc.attainment.overview.queryOptions());
  const programmes = q.data?.programmes ?? [];
  return (
    <Space orientation="vertical" style={{ width: "100%" }} size="large">
      <Typography.Title level={3} style={{ margin: 0 }}>
        {tn("attainment")}
      </Typography.Title>
      {programmes.length > 0 && (
        <Card title={t("programmes")} size="small">
          <Table
            rowKey="id"
            size="small"
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            dataSource={programmes}
            data-testid="attainment-programmes"
            columns={[
              {
                title: t("programme"),
                render: (_, p) =>
                  p.approved ? (
                    <Link href={`/attainment/programmes/${p.id}`}>
                      {p.code} {p.name}
                    </Link>
                  ) : (
                    <Typography.Text>
                      {p.code} {p.name}
                    </Typography.Text>
                  ),
              },
              {
                title: t("model"),
                render: (_, p) => (
                  <Space wrap size={4}>
                    {p.versions.length === 0 && <Typography.Text type="secondary">{t("noModelYet")}</Typography.Text>}
                    {p.versions.map((v) => (
                      <Tag key={v.version} color={v.status === "approved" ? "green" : v.status === "draft" ? "blue" : "default"}>
                        {t("version", { version: v.version })} {te(`status.${v.status}`)}
                      </Tag>
                    ))}
                    {p.canEdit && (
                      <Link href={`/attainment/programmes/${p.id}/model`} data-testid={`model-edit-${p.code}`}>
                        {p.versions.length ? te("title") : t("writeModel")}
                      </Link>
                    )}
                  </Space>
                ),
              },
            ]}
          />
        </Card>
      )}
      <Card title={t("mySections")} size="small">
        <Table
          rowKey="id"
          size="small"
          loading={q.isLoading}
          dataSource={q.data?.sections ?? []}
          locale={{ emptyText: t("noSections") }}
          data-testid="attainment-sections"
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          columns={[
            {
              title: t("section"),
              render: (_, s) => (
                <Link href={`/attainment/sections/${s.id}`}>
                  {s.courseName}（{s.code}）
                </Link>
              ),
            },
            { title: t("term"), dataIndex: "term", responsive: ["sm"] },
            { title: "", render: (_, s) => <Tag color={s.graded ? "green" : "default"}>{s.graded ? t("graded") : t("notGraded")}</Tag> },
          ]}
        />
      </Card>
    </Space>
  );
}
