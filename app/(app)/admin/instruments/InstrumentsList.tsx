"use client";
import { useQuery } from "@tanstack/react-query";
import { Card, Space, Table, Tag, Typography } from "antd";
import { useFormatter, useLocale, useTranslations } from "next-intl";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTRPC } from "../../../_components/trpc";
import { STATUS_COLOR, UploadInstrument } from "./_components/parts";
import type { GroupKey } from "@/server/i18n/messages";

export function InstrumentsList() {
  const trpc = useTRPC();
  const t = useTranslations("instruments");
  const locale = useLocale();
  const format = useFormatter();
  const router = useRouter();
  const list = useQuery(trpc.instruments.list.queryOptions());
  return (
    <Card
      title={
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t("title")}
        </Typography.Title>
      }
      styles={{ body: { paddingTop: 12 } }}
    >
      <Typography.Paragraph type="secondary">{t("list.intro")}</Typography.Paragraph>
      <div style={{ marginBottom: 12 }}>
        <UploadInstrument
          label={t("list.upload")}
          onDone={(r) => {
            if (r.status === "created") router.push(`/admin/instruments/${r.instrumentId}?v=${r.versionId}`);
          }}
        />
      </div>
      {list.error && <Typography.Text type="danger">{list.error.message}</Typography.Text>}
      <Table
        data-testid="instruments-table"
        rowKey="id"
        size="middle"
        loading={list.isFetching}
        dataSource={list.data ?? []}
        pagination={false}
        scroll={{ x: "max-content" }}
        locale={{ emptyText: t("list.empty") }}
        columns={[
          {
            title: t("list.name"),
            key: "name",
            render: (_, i) => (
              <div style={{ minWidth: 120, maxWidth: 260, whiteSpace: "normal" }}>
                <Link href={`/admin/instruments/${i.id}`}>{locale === "en" ? (i.nameEn ?? i.name) : i.name}</Link>
              </div>
            ),
          },
          {
            title: t("list.kind"),
            dataIndex: "kind",
            responsive: ["sm"],
            render: (k: string) => t(`kinds.${k as GroupKey<"instruments.kinds">}`),
          },
          {
            title: t("list.latest"),
            key: "latest",
            render: (_, i) =>
              i.latest ? (
                <Space size={4}>
                  {`v${i.latest.version}`}
                  <Tag color={STATUS_COLOR[i.latest.status]}>{t(`status.${i.latest.status}`)}</Tag>
                </Space>
              ) : (
                t("list.none")
              ),
          },
          {
            title: t("list.approved"),
            key: "approved",
            render: (_, i) =>
              i.approved ? (
                <span>
                  {`v${i.approved.version} `}
                  <Typography.Text type="secondary">
                    {i.approved.approvedAt ? format.dateTime(new Date(i.approved.approvedAt), { dateStyle: "medium" }) : ""}
                  </Typography.Text>
                </span>
              ) : (
                <Typography.Text type="secondary">{t("list.none")}</Typography.Text>
              ),
          },
          { title: t("list.versions"), dataIndex: "versionCount", responsive: ["md"] },
        ]}
      />
    </Card>
  );
}
