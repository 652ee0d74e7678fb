"use client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { Alert, App, Button, Checkbox, Divider, Form, Input, InputNumber, Popconfirm, Space, Table, Tag, Typography } from "antd";
import { useFormatter, useTranslations } from "next-intl";
import { useState } from "react";
import { useTRPC } from "../../../../_components/trpc";
import { Figure, RateBar, useErrorToast, useMobile, useUnitName, type CampaignsOut, type Detail } from "../_components/shared";
import { useRefreshCampaign } from "./OverviewTab";
import { useLocalName } from "../../../../_components/localName";
import type { GroupKey } from "@/server/i18n/messages";

type Plan = CampaignsOut["planObservations"];
type Visit = CampaignsOut["observationProgress"]["byVisit"][number];
type PlanValues = { perSection: number; quotaPerObserver: number; groups: ("supervisor" | "peer" | "leader")[]; seed: number };
const GROUP_COLOR: Record<string, string> = { supervisor: "purple", leader: "volcano", peer: "blue" };

function PlanForm({ detail, onPlanned }: { detail: Detail; onPlanned: (p: Plan) => void }) {
  const trpc = useTRPC();
  const t = useTranslations("campaigns");
  const toast = useErrorToast();
  const { message } = App.useApp();
  const refresh = useRefreshCampaign();
  const [form] = Form.useForm<PlanValues>();
  const withInstrument = new Set(detail.instruments.map((i) => i.raterGroup));
  const plan = useMutation(
    trpc.campaigns.planObservations.mutationOptions({
      onSuccess: (p) => {
        onPlanned(p);
        void message.success(t("admin.observations.planned", { visits: p.visits, assignments: p.assignments, sections: p.sections }));
        refresh();
      },
      onError: toast,
    }),
  );
  return (
    <Form
      form={form}
      layout="vertical"
      data-testid="plan-form"
      style={{ maxWidth: 560 }}
      initialValues={{ perSection: 2, quotaPerObserver: 8, groups: detail.observerGroups.filter((g) => withInstrument.has(g)), seed: 1 }}
      onFinish={(v) => plan.mutate({ id: detail.campaign.id, options: v })}
    >
      <Space wrap size="middle">
        <Form.Item name="perSection" label={t("admin.observations.perSection")} rules={[{ required: true }]}>
          <InputNumber min={1} max={20} style={{ width: 120 }} data-testid="per-section" />
        </Form.Item>
        <Form.Item name="quotaPerObserver" label={t("admin.observations.quota")} rules={[{ required: true }]}>
          <InputNumber min={1} max={1000} style={{ width: 120 }} data-testid="quota" />
        </Form.Item>
        <Form.Item name="seed" label={t("admin.observations.seed")} tooltip={t("admin.observations.seedHelp")}>
          <InputNumber style={{ width: 100 }} />
        </Form.Item>
      </Space>
      <Form.Item
        name="groups"
        label={t("admin.observations.groups")}
        extra={t("admin.observations.groupsHelp")}
        rules={[{ required: true, message: t("errors.badRaterGroup", { path: "groups" }) }]}
      >
        <Checkbox.Group
          data-testid="plan-groups"
          options={detail.observerGroups.map((g) => ({
            value: g,
            label: (
              <span>
                {t(`raterGroups.${g}`)}
                {!withInstrument.has(g) && <Typography.Text type="warning">{` (${t("admin.observations.noInstrument")})`}</Typography.Text>}
              </span>
            ),
          }))}
        />
      </Form.Item>
      <Popconfirm
        title={detail.summary?.observations ? t("admin.observations.replanConfirm") : t("admin.observations.planConfirm")}
        okText={t("admin.actions.plan")}
        cancelText={t("admin.actions.cancel")}
        onConfirm={() => form.submit()}
        overlayStyle={{ maxWidth: 320 }}
        okButtonProps={{ "data-testid": "plan-ok" }}
      >
        <Button type="primary" loading={plan.isPending} data-testid="plan">
          {t("admin.actions.plan")}
        </Button>
      </Popconfirm>
    </Form>
  );
}

function PlanResult({ plan }: { plan: Plan }) {
  const t = useTranslations("campaigns");
  return (
    <Alert
      type={plan.short.length ? "warning" : "success"}
      showIcon
      data-testid="plan-result"
      title={t("admin.observations.result", {
        sections: plan.sections,
        visits: plan.visits,
        assignments: plan.assignments,
        observers: plan.load.observers,
        min: plan.load.min,
        max: plan.load.max,
      })}
      description={
        plan.short.length > 0 && (
          <div style={{ maxHeight: 200, overflow: "auto" }}>
            {t("admin.observations.short", { count: plan.short.length })}
            <div>
              {plan.short
                .map((x) => t("admin.observations.shortRow", { code: x.sectionCode, assigned: x.assigned, candidates: x.candidates }))
                .join("；")}
            </div>
          </div>
        )
      }
    />
  );
}

const STATUS_COLOR: Record<string, string> = { done: "green", partial: "gold", pending: "default" };

export function ObservationsTab({ detail }: { detail: Detail }) {
  const trpc = useTRPC();
  const t = useTranslations("campaigns");
  const format = useFormatter();
  const unitName = useUnitName();
  const [q, setQ] = useState("");
  const [plan, setPlan] = useState<Plan | null>(null);
  const progress = useQuery(trpc.campaigns.observationProgress.queryOptions({ id: detail.campaign.id }));
  const p = progress.data;
  const visits = (p?.byVisit ?? []).filter(
    (o) =>
      !q ||
      [o.sectionCode, o.courseCode, o.courseName, o.courseNameEn ?? "", o.teachers.join(" "), o.observerName, o.observerNumber].some((x) =>
        x.toLowerCase().includes(q.toLowerCase()),
      ),
  );
  const mobile = useMobile();
  const tc = useTranslations("common");
  const cn = useLocalName();
  const draft = detail.campaign.state === "draft";
  const group = (g: string) => <Tag color={GROUP_COLOR[g]}>{t(`raterGroups.${g as GroupKey<"campaigns.raterGroups">}`)}</Tag>;
  const observer = (o: Visit) => (
    <span>
      {o.observerName}{" "}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {o.observerNumber}
      </Typography.Text>{" "}
      {group(o.raterGroup)}
    </span>
  );
  const status = (o: Visit) => (
    <span style={{ whiteSpace: "nowrap" }} data-testid="visit-status">
      <Tag color={STATUS_COLOR[o.status]}>{t(`admin.observations.statuses.${o.status}`)}</Tag>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t("admin.observations.recordsDone", { done: o.done, due: o.due })}
      </Typography.Text>
      {o.lastOn && (
        <div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t("admin.observations.lastOn", { date: o.lastOn })}
          </Typography.Text>
        </div>
      )}
    </span>
  );
  const bar = (x: { rate: number | null; done: number; due: number }) => (
    <RateBar rate={x.rate} width={mobile ? 110 : 150} responded={x.done} eligible={x.due} />
  );
  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }} data-testid="observations">
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t("admin.observations.intro")}
      </Typography.Paragraph>
      {draft && <PlanForm detail={detail} onPlanned={setPlan} />}
      {plan && <PlanResult plan={plan} />}
      <Divider style={{ margin: "4px 0" }} />
      <Typography.Text strong data-testid="observations-title">
        {t("admin.observations.listTitle", {
          visits: p?.visits.due ?? 0,
          records: p?.records.due ?? 0,
          observers: p?.byObserver.length ?? 0,
        })}
      </Typography.Text>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t("admin.observations.countingNote")}
      </Typography.Text>
      {p && p.records.due > 0 && !draft && (
        <Space wrap size="large">
          <Figure
            label={t("admin.observations.visitsDone")}
            value={`${format.number(p.visits.done)} / ${format.number(p.visits.due)}`}
            testid="fig-visits-done"
          />
          <Figure
            label={t("admin.observations.recordsFig")}
            value={`${format.number(p.records.done)} / ${format.number(p.records.due)}`}
            testid="fig-records-done"
          />
          <Figure
            label={t("admin.observations.completion")}
            value={`${Math.round((p.records.done / p.records.due) * 1000) / 10}%`}
            testid="fig-completion"
          />
        </Space>
      )}
      <Input.Search
        allowClear
        placeholder={t("admin.observations.search")}
        onSearch={(v) => setQ(v.trim())}
        style={{ width: 280, maxWidth: "100%" }}
      />
      {progress.error && <Typography.Text type="danger">{progress.error.message}</Typography.Text>}
      <Table<Visit>
        size="small"
        data-testid="observations-table"
        loading={progress.isFetching}
        dataSource={visits}
        rowKey="key"
        scroll={{ x: "max-content" }}
        locale={{ emptyText: t("admin.observations.empty") }}
        pagination={{ pageSize: mobile ? 10 : 20, hideOnSinglePage: true, size: "small", showTotal: (n) => format.number(n) }}
        columns={[
          {
            title: t("admin.fields.section"),
            key: "s",
            render: (_, o) => (
              <div style={{ whiteSpace: "normal", minWidth: 140, maxWidth: mobile ? "calc(100vw - 90px)" : 360 }}>
                {`${o.courseCode} ${cn(o.courseName, o.courseNameEn)}`}
                <div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {o.sectionCode}
                  </Typography.Text>
                </div>
                {mobile && (
                  <div style={{ marginTop: 4 }}>
                    {`${t("admin.observations.teacher")}${tc("colon")}${o.teachers.join("、")}`}
                    <br />
                    {`${t("admin.observations.observer")}${tc("colon")}`}
                    {observer(o)}
                    {!draft && <div style={{ marginTop: 4 }}>{status(o)}</div>}
                  </div>
                )}
              </div>
            ),
          },
          { title: t("admin.observations.teacher"), key: "t", responsive: ["md"], render: (_, o) => o.teachers.join("、") },
          { title: t("admin.observations.observer"), key: "o", responsive: ["md"], render: (_, o) => observer(o) },
          ...(draft
            ? []
            : [
                {
                  title: t("admin.observations.status"),
                  key: "st",
                  responsive: ["md" as const],
                  render: (_: unknown, o: Visit) => status(o),
                },
              ]),
        ]}
      />
      {p && p.records.due > 0 && !draft && (
        <>
          <Divider titlePlacement="start" plain style={{ margin: "4px 0" }}>
            {t("admin.observations.byObserver")}
          </Divider>
          <Table
            size="small"
            data-testid="observers-table"
            rowKey="observerId"
            dataSource={p.byObserver}
            scroll={{ x: "max-content" }}
            pagination={{ pageSize: mobile ? 5 : 10, hideOnSinglePage: true, size: "small" }}
            columns={[
              {
                title: t("admin.observations.observer"),
                key: "o",
                render: (_, o) => (
                  <span>
                    {o.observerName}{" "}
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {o.observerNumber}
                    </Typography.Text>{" "}
                    {group(o.raterGroup)}
                  </span>
                ),
              },
              { title: t("admin.observations.completion"), key: "r", render: (_, o) => bar(o) },
            ]}
          />
          <Divider titlePlacement="start" plain style={{ margin: "4px 0" }}>
            {t("admin.observations.byUnit")}
          </Divider>
          <Table
            size="small"
            data-testid="observation-units-table"
            rowKey="unitId"
            dataSource={p.byUnit}
            pagination={false}
            scroll={{ x: "max-content" }}
            columns={[
              {
                title: t("admin.fields.unit"),
                key: "u",
                render: (_, u) => <span style={{ whiteSpace: "normal" }}>{unitName(u.unitId, u.unitName)}</span>,
              },
              { title: t("admin.observations.completion"), key: "r", render: (_, u) => bar(u) },
            ]}
          />
        </>
      )}
    </Space>
  );
}
