"use client";
import { useQuery } from "@tanstack/react-query";
import { Descriptions, Input, Space, Table, Tag, Typography } from "antd";
import { useFormatter, useTranslations } from "next-intl";
import { useState } from "react";
import { useTRPC } from "../../../../_components/trpc";
import { useMobile, type CampaignsOut, type Detail } from "../_components/shared";
import { useLocalName } from "../../../../_components/localName";
import type { GroupKey } from "@/server/i18n/messages";

type Record = CampaignsOut["observationRecords"][number];
const GROUP_COLOR: { [k: string]: string } = { supervisor: "purple", leader: "volcano", peer: "blue" };

/** The answers of one record as text (never markup), with the observer's remarks. */
function RecordBody({ r }: { r: Record }) {
  const t = useTranslations("campaigns");
  return (
    <Descriptions size="small" column={1} bordered data-testid="record-answers" styles={{ label: { width: "40%", whiteSpace: "normal" } }}>
      {r.answers.map((a) => (
        <Descriptions.Item key={a.name} label={a.title}>
          <span style={{ whiteSpace: "pre-wrap" }}>{a.text}</span>
        </Descriptions.Item>
      ))}
      {r.comment && (
        <Descriptions.Item label={t("admin.records.comment")}>
          <span style={{ whiteSpace: "pre-wrap" }}>{r.comment}</span>
        </Descriptions.Item>
      )}
    </Descriptions>
  );
}

/** The named observation records (听课记录) of the campaign, for those who run it. */
export function RecordsTab({ detail }: { detail: Detail }) {
  const trpc = useTRPC();
  const t = useTranslations("campaigns");
  const format = useFormatter();
  const mobile = useMobile();
  const cn = useLocalName();
  const [q, setQ] = useState("");
  const list = useQuery(trpc.campaigns.observationRecords.queryOptions({ id: detail.campaign.id }));
  const rows = (list.data ?? []).filter(
    (r) =>
      !q ||
      [r.sectionCode, r.courseCode, r.courseName, r.courseNameEn ?? "", r.teacherName, r.observerName, r.observerNumber].some((x) =>
        x.toLowerCase().includes(q.toLowerCase()),
      ),
  );
  const observer = (r: Record) => (
    <span>
      {r.observerName}{" "}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {r.observerNumber}
      </Typography.Text>{" "}
      <Tag color={GROUP_COLOR[r.raterGroup]}>{t(`raterGroups.${r.raterGroup as GroupKey<"campaigns.raterGroups">}`)}</Tag>
    </span>
  );
  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }} data-testid="records">
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t("admin.records.intro")}
      </Typography.Paragraph>
      <Space wrap align="center">
        <Input.Search
          allowClear
          placeholder={t("admin.records.search")}
          onSearch={(v) => setQ(v.trim())}
          style={{ width: 280, maxWidth: "100%" }}
        />
        <Typography.Text type="secondary" data-testid="records-count">
          {t("admin.records.count", { count: list.data?.length ?? 0 })}
        </Typography.Text>
      </Space>
      {list.error && <Typography.Text type="danger">{list.error.message}</Typography.Text>}
      <Table<Record>
        size="small"
        data-testid="records-table"
        loading={list.isFetching}
        dataSource={rows}
        rowKey="recordId"
        scroll={{ x: "max-content" }}
        locale={{ emptyText: t("admin.records.empty") }}
        pagination={{ pageSize: 20, hideOnSinglePage: true, size: "small", showTotal: (n) => format.number(n) }}
        expandable={{ expandedRowRender: (r) => <RecordBody r={r} />, expandRowByClick: true }}
        columns={[
          {
            title: t("admin.records.observedOn"),
            dataIndex: "observedOn",
            render: (d: string) => <span style={{ whiteSpace: "nowrap" }}>{d}</span>,
          },
          {
            title: t("admin.records.section"),
            key: "s",
            render: (_, r) => (
              <div style={{ whiteSpace: "normal", minWidth: 130, maxWidth: mobile ? "calc(100vw - 170px)" : 320 }}>
                {`${r.courseCode} ${cn(r.courseName, r.courseNameEn)}`}
                <div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>{`${r.sectionCode} · ${r.teacherName}`}</Typography.Text>
                </div>
                {mobile && (
                  <div style={{ marginTop: 4 }}>
                    {observer(r)}
                    {r.score !== null && <Tag>{format.number(r.score)}</Tag>}
                  </div>
                )}
              </div>
            ),
          },
          { title: t("admin.records.observer"), key: "o", responsive: ["md"], render: (_, r) => observer(r) },
          {
            title: t("admin.records.score"),
            dataIndex: "score",
            align: "right",
            responsive: ["md"],
            render: (v: number | null) => (v === null ? "—" : format.number(v)),
          },
        ]}
      />
    </Space>
  );
}
