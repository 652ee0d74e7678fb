"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, DatePicker, Descriptions, Empty, Form, Input, List, Modal, Space, Tag, Typography } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "../../../../_components/trpc";
import { useUnitName, useWhen, type Detail } from "../_components/shared";
import { useLocalName } from "../../../../_components/localName";

/**
 * Information officers' reports. The server names the officer to the quality office only;
 * a unit admin gets its units' reports with no officer at all (nothing to hide here).
 * A report becomes an order of its responsible unit (improvement.fromReport; once per report).
 */
export function ReportsTab({ detail }: { detail: Detail }) {
  const trpc = useTRPC();
  const t = useTranslations("campaigns");
  const when = useWhen();
  const unitName = useUnitName();
  const cn = useLocalName();
  const reports = useQuery({
    ...trpc.campaigns.reports.queryOptions({ id: detail.campaign.id }),
    refetchInterval: detail.campaign.state === "open" ? 30_000 : false,
  });
  const data = reports.data;
  const qc = useQueryClient();
  const { message } = App.useApp();
  type Report = NonNullable<typeof data>["rows"][number];
  const [ordering, setOrdering] = useState<Report | null>(null);
  const [form] = Form.useForm<{ content: string; deadline: Dayjs }>();
  const toOrder = useMutation(
    trpc.improvement.fromReport.mutationOptions({
      onSuccess: (r) => {
        void message.success(t("admin.reports.orderCreated", { id: r.id }));
        setOrdering(null);
        void qc.invalidateQueries({ queryKey: trpc.campaigns.reports.pathKey() });
      },
      onError: (e) => {
        void message.error(e.message);
      },
    }),
  );
  const open = (r: Report) => {
    setOrdering(r);
    form.setFieldsValue({ content: r.answers.map((a) => `${a.title}：${a.text}`).join("\n"), deadline: dayjs().add(14, "day") });
  };
  const submit = async () => {
    const v = await form.validateFields();
    if (ordering) toOrder.mutate({ reportId: ordering.id, content: v.content, deadline: v.deadline.format("YYYY-MM-DD") });
  };
  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }} data-testid="reports">
      {data && (
        <Alert
          type="info"
          showIcon
          title={data.named ? t("admin.reports.introNamed") : t("admin.reports.introUnit")}
          data-testid={data.named ? "reports-named" : "reports-unnamed"}
        />
      )}
      {reports.error && <Typography.Text type="danger">{reports.error.message}</Typography.Text>}
      <Typography.Text type="secondary" data-testid="reports-count">
        {t("admin.reports.count", { count: data?.rows.length ?? 0 })}
      </Typography.Text>
      <List
        data-testid="reports-list"
        loading={reports.isLoading}
        dataSource={data?.rows ?? []}
        split={false}
        locale={{ emptyText: <Empty description={t("admin.reports.empty")} image={Empty.PRESENTED_IMAGE_SIMPLE} /> }}
        pagination={(data?.rows.length ?? 0) > 10 ? { pageSize: 10, size: "small" } : false}
        renderItem={(r) => (
          <List.Item style={{ paddingInline: 0 }}>
            <Card
              size="small"
              style={{ width: "100%" }}
              data-testid="report"
              title={
                <div style={{ whiteSpace: "normal", padding: "4px 0" }}>
                  <Space wrap size={[8, 4]}>
                    <Tag color="blue">{unitName(r.unitId, r.unitName)}</Tag>
                    <span>
                      {r.courseName
                        ? `${r.courseCode} ${cn(r.courseName, r.courseNameEn)} · ${r.sectionCode}`
                        : t("admin.reports.noSection")}
                    </span>
                  </Space>
                </div>
              }
              extra={
                <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: "nowrap" }}>
                  {when(r.submittedAt)}
                </Typography.Text>
              }
            >
              <Descriptions size="small" column={1} styles={{ label: { whiteSpace: "nowrap" } }}>
                {r.answers.map((a) => (
                  <Descriptions.Item key={a.name} label={a.title}>
                    <span style={{ whiteSpace: "pre-wrap" }}>{a.text}</span>
                  </Descriptions.Item>
                ))}
                {r.officer && (
                  <Descriptions.Item label={t("admin.reports.officer")}>
                    <span data-testid="report-officer">
                      {[r.officer.name, r.officer.number, r.officer.programme, r.officer.className].filter(Boolean).join(" · ")}
                    </span>
                  </Descriptions.Item>
                )}
              </Descriptions>
              {!r.officer && (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t("admin.reports.hiddenOfficer")}
                </Typography.Text>
              )}
              <div style={{ marginTop: 8 }}>
                {r.orderId ? (
                  <Link href={`/improvement/${r.orderId}`} data-testid="report-order">
                    {t("admin.reports.orderLink", { id: r.orderId })}
                  </Link>
                ) : (
                  <Button size="small" onClick={() => open(r)} data-testid="report-to-order">
                    {t("admin.reports.toOrder")}
                  </Button>
                )}
              </div>
            </Card>
          </List.Item>
        )}
      />
      <Modal
        open={!!ordering}
        title={t("admin.reports.toOrder")}
        onCancel={() => setOrdering(null)}
        onOk={() => void submit()}
        okButtonProps={{ loading: toOrder.isPending }}
      >
        <Form form={form} layout="vertical">
          <Form.Item name="content" label={t("admin.reports.orderContent")} rules={[{ required: true, whitespace: true }]}>
            <Input.TextArea rows={4} maxLength={5000} />
          </Form.Item>
          <Form.Item name="deadline" label={t("admin.reports.orderDeadline")} rules={[{ required: true }]}>
            <DatePicker style={{ width: "100%" }} disabledDate={(d) => d.isBefore(dayjs(), "day")} />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
