"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, DatePicker, Descriptions, Popconfirm, Space, Spin, Table, Tag, Typography } from "antd";
import type { TableColumnsType } from "antd";
import type { inferRouterOutputs } from "@trpc/server";
import dayjs, { type Dayjs } from "dayjs";
import { useFormatter, useTranslations } from "next-intl";
import { BEIJING_TIME_ZONE } from "@/server/kernel/time";
import Link from "next/link";
import { useState } from "react";
import type { AppRouter } from "@/server/api/root";
import { useLocalName } from "../../../../_components/localName";
import { useTRPC } from "../../../../_components/trpc";
import { Completion } from "../InspectionsView";
import { BackLink } from "../../../../_components/BackLink";

type Detail = inferRouterOutputs<AppRouter>["inspections"]["detail"];
type UnitRow = Detail["units"][number];
type Problem = Detail["problems"][number];

export const STATUS_COLOR = { submitted: "green", not_started: "default", overdue: "red" } as const;
const ANSWER_COLOR: Record<string, string> = { conform: "green", partial: "gold", nonconform: "red" };

export function InspectionView({ id }: { id: number }) {
  const t = useTranslations("inspections");
  const ti = useTranslations("improvement");
  const cn = useLocalName();
  const format = useFormatter();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const detail = useQuery(trpc.inspections.detail.queryOptions({ id }));
  const [deadline, setDeadline] = useState<Dayjs>(() => dayjs().add(30, "day"));
  const refresh = () => void qc.invalidateQueries({ queryKey: trpc.inspections.pathKey() });
  const onError = (e: { message: string }) => void message.error(e.message);
  const one = useMutation(
    trpc.inspections.toOrder.mutationOptions({
      onSuccess: (r) => {
        void message.success(t("page.converted", { id: r.orderId }));
        refresh();
      },
      onError,
    }),
  );
  const all = useMutation(
    trpc.inspections.toOrders.mutationOptions({
      onSuccess: (r) => {
        void message.success(t("page.convertedAll", { n: r.created }));
        refresh();
      },
      onError,
    }),
  );
  if (detail.error) return <Alert type="error" showIcon title={detail.error.message} />;
  const d = detail.data;
  if (!d) return <Spin />;
  const due = deadline.format("YYYY-MM-DD");
  const waiting = d.problems.filter((p) => !p.order).length;

  const unitColumns: TableColumnsType<UnitRow> = [
    { title: t("page.unit"), key: "unit", render: (_: unknown, u) => cn(u.name, u.nameEn) },
    {
      title: t("page.status"),
      dataIndex: "status",
      render: (s: UnitRow["status"]) => (
        <Tag color={STATUS_COLOR[s]} data-testid="unit-status">
          {t(`statuses.${s}`)}
        </Tag>
      ),
    },
    {
      title: t("page.submitted"),
      key: "submitted",
      responsive: ["md"],
      render: (_: unknown, u) =>
        u.submittedAt
          ? `${format.dateTime(new Date(u.submittedAt), { dateStyle: "medium", timeStyle: "short", timeZone: BEIJING_TIME_ZONE })} · ${u.submittedByName ?? ""}`
          : "—",
    },
    { title: t("page.problems"), dataIndex: "problems", render: (n: number) => (n ? <Tag color="red">{n}</Tag> : n) },
  ];

  const problemColumns: TableColumnsType<Problem> = [
    { title: t("page.unit"), key: "unit", render: (_: unknown, p) => cn(p.unitName, p.unitNameEn) },
    {
      title: t("page.item"),
      key: "item",
      render: (_: unknown, p) => (
        <Space orientation="vertical" size={0}>
          <span>{cn(p.title.zh, p.title.en)}</span>
          {p.answerText && <Tag color={ANSWER_COLOR[p.answer ?? ""] ?? "default"}>{p.answerText}</Tag>}
        </Space>
      ),
    },
    { title: t("page.problem"), dataIndex: "problem", render: (x: string) => x || "—" },
    {
      title: t("page.order"),
      key: "order",
      render: (_: unknown, p) =>
        p.order ? (
          <Link href={`/improvement/${p.order.id}`} data-testid="problem-order">
            #{p.order.id} {ti(`statuses.${p.order.status}`)}
          </Link>
        ) : (
          <Popconfirm
            title={t("page.convertConfirm", { deadline: due })}
            okText={t("page.convert")}
            cancelText={t("page.cancel")}
            onConfirm={() => one.mutate({ inspectionId: id, unitId: p.unitId, item: p.item, deadline: due })}
          >
            <Button size="small" type="primary" ghost data-testid="problem-convert" loading={one.isPending}>
              {t("page.convert")}
            </Button>
          </Popconfirm>
        ),
    },
  ];

  return (
    <Space orientation="vertical" size={12} style={{ width: "100%" }}>
      <BackLink href={"/admin/inspections"}>{t("page.back")}</BackLink>
      <Card size="small">
        <Typography.Title level={4} style={{ marginTop: 0 }} data-testid="inspection-title">
          {d.name}
        </Typography.Title>
        <Descriptions size="small" column={{ xs: 1, sm: 2, md: 3 }}>
          <Descriptions.Item label={t("page.phase")}>
            <Tag color="blue">{t(`phases.${d.phase}`)}</Tag>
          </Descriptions.Item>
          <Descriptions.Item label={t("page.term")}>{d.termCode}</Descriptions.Item>
          <Descriptions.Item label={t("page.deadline")}>{d.deadline}</Descriptions.Item>
          <Descriptions.Item label={t("page.checklist")}>
            {cn(d.checklist.name, d.checklist.nameEn)} v{d.checklist.version}
          </Descriptions.Item>
          <Descriptions.Item label={t("page.completion")}>
            <span data-testid="inspection-completion">
              <Completion submitted={d.submitted} units={d.units.length} />
            </span>
          </Descriptions.Item>
          {d.createdByName && <Descriptions.Item label={t("page.createdBy")}>{d.createdByName}</Descriptions.Item>}
        </Descriptions>
      </Card>

      <Card size="small" title={t("page.unitsProgress")}>
        <Table<UnitRow>
          rowKey="unitId"
          size="small"
          columns={unitColumns}
          dataSource={d.units}
          pagination={false}
          data-testid="inspection-units"
          expandable={{
            rowExpandable: (u) => u.answers.length > 0,
            expandedRowRender: (u) => (
              <Descriptions size="small" column={1} bordered>
                {u.answers.map((a) => (
                  <Descriptions.Item key={a.name} label={a.title}>
                    {a.text}
                  </Descriptions.Item>
                ))}
              </Descriptions>
            ),
          }}
        />
      </Card>

      <Card
        size="small"
        title={t("page.problemsTitle", { n: d.problems.length })}
        extra={
          <Space wrap>
            <Typography.Text type="secondary">{t("page.orderDeadline")}</Typography.Text>
            <DatePicker
              value={deadline}
              allowClear={false}
              onChange={(v) => v && setDeadline(v)}
              disabledDate={(x) => x.isBefore(dayjs(), "day")}
              data-testid="order-deadline"
            />
            <Popconfirm
              title={t("page.convertAllConfirm", { n: waiting, deadline: due })}
              okText={t("page.convert")}
              cancelText={t("page.cancel")}
              disabled={waiting === 0}
              onConfirm={() => all.mutate({ inspectionId: id, deadline: due })}
            >
              <Button disabled={waiting === 0} loading={all.isPending} data-testid="problems-convert-all">
                {t("page.convertAll", { n: waiting })}
              </Button>
            </Popconfirm>
          </Space>
        }
      >
        <Table<Problem>
          rowKey={(p) => `${p.unitId}:${p.item}`}
          size="small"
          columns={problemColumns}
          dataSource={d.problems}
          pagination={false}
          scroll={{ x: "max-content" }}
          locale={{ emptyText: t("page.noProblems") }}
          data-testid="inspection-problems"
        />
      </Card>
    </Space>
  );
}
