"use client";
import { PlusOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { App, Button, Checkbox, DatePicker, Form, Input, Modal, Progress, Segmented, Select, Space, Table, Tag, Typography } from "antd";
import type { TableColumnsType } from "antd";
import type { inferRouterOutputs } from "@trpc/server";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { INSPECTION_PHASES, type InspectionPhase } from "@/db/schema/enums";
import type { AppRouter } from "@/server/api/root";
import { useLocalName } from "../../../_components/localName";
import { useTRPC } from "../../../_components/trpc";

type Row = inferRouterOutputs<AppRouter>["inspections"]["list"][number];

/** The completion of an inspection: submitted of all units, as a bar with the counts. */
export function Completion({ submitted, units }: { submitted: number; units: number }) {
  return (
    <Space size={8} style={{ minWidth: 160 }}>
      <Progress percent={units ? Math.round((submitted / units) * 100) : 0} size="small" style={{ width: 100, margin: 0 }} />
      <Typography.Text type="secondary">
        {submitted}/{units}
      </Typography.Text>
    </Space>
  );
}

export function InspectionsView() {
  const t = useTranslations("inspections");
  const trpc = useTRPC();
  const list = useQuery(trpc.inspections.list.queryOptions());
  const [creating, setCreating] = useState(false);
  const columns: TableColumnsType<Row> = [
    {
      title: t("page.name"),
      dataIndex: "name",
      render: (name: string, r) => (
        <Link href={`/admin/inspections/${r.id}`} data-testid="inspection-link">
          {name}
        </Link>
      ),
    },
    { title: t("page.phase"), dataIndex: "phase", render: (p: InspectionPhase) => <Tag color="blue">{t(`phases.${p}`)}</Tag> },
    { title: t("page.term"), dataIndex: "termCode", responsive: ["md"] },
    {
      title: t("page.deadline"),
      dataIndex: "deadline",
      render: (d: string, r) => (
        <Space size={4}>
          {d}
          {r.overdue && <Tag color="red">{t("statuses.overdue")}</Tag>}
        </Space>
      ),
    },
    { title: t("page.completion"), key: "rate", render: (_: unknown, r) => <Completion submitted={r.submitted} units={r.units} /> },
  ];
  return (
    <Space orientation="vertical" size={12} style={{ width: "100%" }}>
      <Space style={{ width: "100%", justifyContent: "space-between" }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t("title")}
        </Typography.Title>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="inspection-new">
          {t("page.new")}
        </Button>
      </Space>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t("page.intro")}
      </Typography.Paragraph>
      <Table<Row>
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={list.data ?? []}
        loading={list.isFetching}
        pagination={false}
        scroll={{ x: "max-content" }}
        locale={{ emptyText: t("page.none") }}
        data-testid="inspections"
      />
      {creating && <NewInspection onClose={() => setCreating(false)} />}
    </Space>
  );
}

type FormValues = {
  name: string;
  phase: InspectionPhase;
  termId: number;
  instrumentVersionId: number;
  unitIds: number[];
  deadline: { format: (f: string) => string } | null;
};

/** The form that starts an inspection: phase, term, checklist version, units (all colleges by default), deadline. */
function NewInspection({ onClose }: { onClose: () => void }) {
  const t = useTranslations("inspections");
  const cn = useLocalName();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const router = useRouter();
  const { message } = App.useApp();
  const options = useQuery(trpc.inspections.formOptions.queryOptions());
  const [form] = Form.useForm<FormValues>();
  const [named, setNamed] = useState(false);
  const create = useMutation(
    trpc.inspections.create.mutationOptions({
      onSuccess: (r) => {
        void message.success(t("page.created"));
        void qc.invalidateQueries({ queryKey: trpc.inspections.list.queryKey() });
        router.push(`/admin/inspections/${r.id}`);
      },
      onError: (e) => void message.error(e.message),
    }),
  );
  const o = options.data;
  const defaultName = (termId?: number, phase?: InspectionPhase) => {
    const term = o?.terms.find((x) => x.id === termId);
    return term && phase ? t("page.defaultName", { term: term.code, phase: t(`phases.${phase}`) }) : "";
  };
  const renamed = () => {
    if (named) return;
    const v = form.getFieldsValue();
    form.setFieldValue("name", defaultName(v.termId, v.phase));
  };
  if (!o) return null;
  const current = o.terms[0]?.id;
  const phase: InspectionPhase = "mid";
  return (
    <Modal
      open
      title={t("page.new")}
      onCancel={onClose}
      okText={t("page.start")}
      cancelText={t("page.cancel")}
      confirmLoading={create.isPending}
      okButtonProps={{ id: "inspection-submit" }}
      onOk={() =>
        void form.validateFields().then((v) =>
          create.mutate({
            name: v.name,
            phase: v.phase,
            termId: v.termId,
            instrumentVersionId: v.instrumentVersionId,
            unitIds: v.unitIds ?? [],
            deadline: v.deadline ? v.deadline.format("YYYY-MM-DD") : "",
          }),
        )
      }
    >
      <Form<FormValues>
        form={form}
        layout="vertical"
        data-testid="inspection-form"
        initialValues={{
          phase,
          termId: current,
          instrumentVersionId: o.versions[0]?.id,
          unitIds: o.units.map((u) => u.id),
          name: defaultName(current, phase),
        }}
        onValuesChange={(changed: Partial<FormValues>) => {
          if ("name" in changed) setNamed(true);
          if ("termId" in changed || "phase" in changed) renamed();
        }}
      >
        <Form.Item name="phase" label={t("page.phase")} rules={[{ required: true }]}>
          <Segmented options={INSPECTION_PHASES.map((p) => ({ value: p, label: t(`phases.${p}`) }))} data-testid="inspection-phase" />
        </Form.Item>
        <Form.Item name="termId" label={t("page.term")} rules={[{ required: true }]}>
          <Select options={o.terms.map((x) => ({ value: x.id, label: x.code }))} data-testid="inspection-term" />
        </Form.Item>
        <Form.Item name="name" label={t("page.name")} rules={[{ required: true, max: 200 }]}>
          <Input data-testid="inspection-name" />
        </Form.Item>
        <Form.Item name="instrumentVersionId" label={t("page.checklist")} rules={[{ required: true }]} extra={t("page.checklistHelp")}>
          <Select
            options={o.versions.map((v) => ({ value: v.id, label: `${cn(v.name, v.nameEn)} v${v.version}` }))}
            data-testid="inspection-version"
          />
        </Form.Item>
        <Form.Item name="unitIds" label={t("page.units")} extra={t("page.unitsHelp")}>
          <Checkbox.Group
            data-testid="inspection-units"
            style={{ display: "grid", gridTemplateColumns: "repeat(auto-fill, minmax(180px, 1fr))", gap: 4 }}
            options={o.units.map((u) => ({ value: u.id, label: cn(u.name, u.nameEn) }))}
          />
        </Form.Item>
        <Form.Item name="deadline" label={t("page.deadline")} rules={[{ required: true }]}>
          <DatePicker style={{ width: "100%" }} data-testid="inspection-deadline" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
