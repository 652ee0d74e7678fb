"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { App, Button, DatePicker, Form, Input, Modal, Select, Space, Switch, Tag, Typography, type TableColumnsType } from "antd";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { useState } from "react";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";
import { IMPROVEMENT_SOURCES, IMPROVEMENT_STATUSES, type ImprovementSource, type ImprovementStatus } from "@/db/schema/enums";
import { ListPage, UnitSelect, useListParams } from "../../_components/ListPage";
import { useLocalName } from "../../_components/localName";
import { useTRPC } from "../../_components/trpc";

type Row = inferRouterOutputs<AppRouter>["improvement"]["list"]["items"][number];

export const STATUS_COLOR: Record<ImprovementStatus, string> = {
  issued: "blue",
  answered: "cyan",
  verifying: "purple",
  closed: "green",
  continuing: "gold",
  reopened: "volcano",
  cancelled: "default",
};

export function OrdersView({ canIssue, quality }: { canIssue: boolean; quality: boolean }) {
  const t = useTranslations("improvement");
  const trpc = useTRPC();
  const cn = useLocalName();
  const [params, setParams] = useListParams(["status", "source", "overdue", "toAnswer"]);
  const [creating, setCreating] = useState(false);
  const status = params.status ? [String(params.status) as ImprovementStatus] : undefined;
  const source = params.source ? [String(params.source) as ImprovementSource] : undefined;
  const input = {
    page: params.page,
    pageSize: params.pageSize,
    q: params.q,
    unitId: params.unitId,
    status,
    source,
    overdue: params.overdue === "1" || undefined,
    toAnswer: params.toAnswer === "1" || undefined,
  };
  const query = useQuery(trpc.improvement.list.queryOptions(input));
  const exportHref = `/api/improvement/register?${new URLSearchParams(
    Object.entries({
      status: status?.join(",") ?? "",
      source: source?.join(",") ?? "",
      unitId: params.unitId ? String(params.unitId) : "",
      overdue: input.overdue ? "1" : "",
      q: params.q ?? "",
    }).filter(([, v]) => v),
  ).toString()}`;

  const columns: TableColumnsType<Row> = [
    {
      title: t("page.id"),
      dataIndex: "id",
      width: 70,
      render: (id: number) => (
        <Link href={`/improvement/${id}`} data-testid={`order-${id}`}>
          #{id}
        </Link>
      ),
    },
    {
      title: t("page.content"),
      dataIndex: "content",
      render: (c: string, r) => (
        <Link href={`/improvement/${r.id}`}>
          <Typography.Text ellipsis style={{ maxWidth: 360 }}>
            {c}
          </Typography.Text>
        </Link>
      ),
    },
    { title: t("page.source"), dataIndex: "source", render: (s: ImprovementSource) => t(`sources.${s}`) },
    {
      title: t("page.unit"),
      key: "unit",
      render: (_: unknown, r) => (
        <span>
          {cn(r.unitName, r.unitNameEn)}
          {r.ownerName ? ` / ${r.ownerName}` : ""}
        </span>
      ),
    },
    {
      title: t("page.deadline"),
      dataIndex: "deadline",
      render: (d: string, r) => (
        <Space size={4} wrap>
          {d}
          {r.overdueDays > 0 && (
            <Tag color="red" data-testid="overdue">
              {t("page.overdueDays", { days: r.overdueDays })}
            </Tag>
          )}
        </Space>
      ),
    },
    {
      title: t("page.status"),
      dataIndex: "status",
      render: (s: ImprovementStatus, r) => (
        <Space size={4} wrap>
          <Tag color={STATUS_COLOR[s]} data-testid="order-status">
            {t(`statuses.${s}`)}
          </Tag>
          {r.reopenCount > 0 && <Tag>{t("page.reopens", { count: r.reopenCount })}</Tag>}
        </Space>
      ),
    },
  ];

  return (
    <>
      <ListPage<Row>
        title={
          <Space wrap>
            {t("page.title")}
            <Link href="/improvement/dashboard">
              <Button size="small">{t("page.dashboard")}</Button>
            </Link>
            <a href={exportHref}>
              <Button size="small" data-testid="export-register">
                {t("page.export")}
              </Button>
            </a>
            {canIssue && (
              <Button size="small" type="primary" onClick={() => setCreating(true)} data-testid="new-order">
                {t("page.new")}
              </Button>
            )}
          </Space>
        }
        params={params}
        setParams={setParams}
        columns={columns}
        rowKey="id"
        testid="orders"
        query={{ data: query.data, isFetching: query.isFetching, error: query.error }}
        filters={
          <>
            <Select
              allowClear
              placeholder={t("page.status")}
              style={{ minWidth: 120 }}
              value={status?.[0]}
              data-testid="filter-status"
              onChange={(v?: string) => setParams({ status: v })}
              options={IMPROVEMENT_STATUSES.map((s) => ({ value: s, label: t(`statuses.${s}`) }))}
            />
            <Select
              allowClear
              placeholder={t("page.source")}
              style={{ minWidth: 140 }}
              value={source?.[0]}
              onChange={(v?: string) => setParams({ source: v })}
              options={IMPROVEMENT_SOURCES.map((s) => ({ value: s, label: t(`sources.${s}`) }))}
            />
            {quality && <UnitSelect value={params.unitId} onChange={(unitId) => setParams({ unitId })} />}
            <Space size={4}>
              <Switch
                size="small"
                checked={input.overdue === true}
                onChange={(v) => setParams({ overdue: v ? "1" : undefined })}
                data-testid="filter-overdue"
              />
              {t("page.onlyOverdue")}
            </Space>
            <Space size={4}>
              <Switch
                size="small"
                checked={input.toAnswer === true}
                onChange={(v) => setParams({ toAnswer: v ? "1" : undefined })}
                data-testid="filter-to-answer"
              />
              {t("page.toAnswer")}
            </Space>
          </>
        }
      />
      {creating && <NewOrder onClose={() => setCreating(false)} />}
    </>
  );
}

function NewOrder({ onClose }: { onClose: () => void }) {
  const t = useTranslations("improvement");
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<{
    source: ImprovementSource;
    unitId: number;
    content: string;
    deadline: { format: (f: string) => string };
  }>();
  const create = useMutation(
    trpc.improvement.create.mutationOptions({
      onSuccess: () => {
        void message.success(t("page.done"));
        void qc.invalidateQueries({ queryKey: trpc.improvement.list.queryKey() });
        onClose();
      },
      onError: (e) => void message.error(e.message),
    }),
  );
  return (
    <Modal
      open
      title={t("page.new")}
      onCancel={onClose}
      okText={t("page.submit")}
      cancelText={t("page.cancelForm")}
      confirmLoading={create.isPending}
      onOk={() =>
        void form
          .validateFields()
          .then((v) => create.mutate({ source: v.source, unitId: v.unitId, content: v.content, deadline: v.deadline.format("YYYY-MM-DD") }))
      }
    >
      <Form form={form} layout="vertical" initialValues={{ source: "manual" }} data-testid="new-order-form">
        <Form.Item name="source" label={t("page.source")} rules={[{ required: true }]}>
          <Select options={IMPROVEMENT_SOURCES.map((s) => ({ value: s, label: t(`sources.${s}`) }))} />
        </Form.Item>
        <Form.Item name="unitId" label={t("page.unit")} rules={[{ required: true }]}>
          <UnitSelect onChange={(v) => form.setFieldValue("unitId", v)} />
        </Form.Item>
        <Form.Item name="content" label={t("page.content")} rules={[{ required: true, max: 5000 }]}>
          <Input.TextArea rows={4} data-testid="new-order-content" />
        </Form.Item>
        <Form.Item name="deadline" label={t("page.deadline")} rules={[{ required: true }]}>
          <DatePicker style={{ width: "100%" }} data-testid="new-order-deadline" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
