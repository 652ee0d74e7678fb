"use client";
import { Button, Divider, Form, InputNumber, Popconfirm, Select, Space, Table, Tag, Typography } from "antd";
import { useFormatter, useMessages, useTranslations } from "next-intl";
import { Figure, useUnitName, useWhen, type Detail } from "../_components/shared";
import { useGenerate } from "./OverviewTab";
import { useLocalName } from "../../../../_components/localName";
import type { GroupKey } from "@/server/i18n/messages";
import { keysOf } from "@/server/shared/i18n/keys";

type Options = { minEnrolment?: number; excludedCourseTypes?: string[]; excludedCourseCodes?: string[] };

function Regenerate({ detail }: { detail: Detail }) {
  const t = useTranslations("campaigns");
  const ta = useTranslations("admin");
  const messages = useMessages();
  const [form] = Form.useForm<Options>();
  const last = (detail.campaign.generationOptions ?? {}) as Options;
  const generate = useGenerate();
  const run = () => {
    const v = form.getFieldsValue();
    generate.mutate({
      id: detail.campaign.id,
      options: {
        minEnrolment: v.minEnrolment ?? 0,
        excludedCourseTypes: (v.excludedCourseTypes ?? []) as never,
        excludedCourseCodes: (v.excludedCourseCodes ?? []).map((c) => c.trim()).filter(Boolean),
      },
    });
  };
  return (
    <Form
      form={form}
      layout="vertical"
      style={{ maxWidth: 560 }}
      data-testid="generate-form"
      initialValues={{
        minEnrolment: last.minEnrolment ?? 0,
        excludedCourseTypes: last.excludedCourseTypes ?? [],
        excludedCourseCodes: last.excludedCourseCodes ?? [],
      }}
    >
      <Form.Item name="minEnrolment" label={t("admin.assignment.minEnrolment")} extra={t("admin.assignment.minEnrolmentHelp")}>
        <InputNumber min={0} max={10000} style={{ width: 140 }} data-testid="min-enrolment" />
      </Form.Item>
      <Form.Item name="excludedCourseTypes" label={t("admin.assignment.excludedCourseTypes")}>
        <Select
          mode="multiple"
          allowClear
          data-testid="excluded-types"
          placeholder={t("admin.assignment.none")}
          options={keysOf(messages.admin.courseTypes).map((k) => ({ value: k, label: ta(`courseTypes.${k}`) }))}
        />
      </Form.Item>
      <Form.Item
        name="excludedCourseCodes"
        label={t("admin.assignment.excludedCourseCodes")}
        extra={t("admin.assignment.excludedCourseCodesHelp")}
      >
        <Select
          mode="tags"
          tokenSeparators={[",", "，", " ", "\n"]}
          open={false}
          suffixIcon={null}
          data-testid="excluded-codes"
          placeholder={t("admin.assignment.none")}
        />
      </Form.Item>
      <Popconfirm
        title={detail.campaign.generatedAt ? t("admin.overview.regenerateConfirm") : t("admin.overview.generateConfirm")}
        okText={t("admin.actions.generate")}
        cancelText={t("admin.actions.cancel")}
        onConfirm={run}
        overlayStyle={{ maxWidth: 320 }}
        okButtonProps={{ "data-testid": "regenerate-ok" }}
      >
        <Button type="primary" loading={generate.isPending} data-testid="regenerate">
          {t(detail.campaign.generatedAt ? "admin.actions.regenerate" : "admin.actions.generate")}
        </Button>
      </Popconfirm>
    </Form>
  );
}

export function AssignmentTab({ detail }: { detail: Detail }) {
  const t = useTranslations("campaigns");
  const cn = useLocalName();
  const format = useFormatter();
  const when = useWhen();
  const unitName = useUnitName();
  const s = detail.summary;
  if (!s) return null;
  const unitNames = new Map(s.units.map((u) => [u.unitId, u.unitName]));
  const draft = detail.campaign.state === "draft";
  const opts = (s.options ?? {}) as Options;
  const num = (n: number) => format.number(n);
  const groupOrder = detail.groups.map((g) => g.group as string);
  const byGroup = Object.entries(s.byGroup).sort(([a], [b]) => groupOrder.indexOf(a) - groupOrder.indexOf(b));
  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }} data-testid="assignment">
      <Space wrap size="large">
        {detail.sectionKind && <Figure label={t("admin.assignment.sections")} value={s.sections} testid="fig-sections" />}
        <Figure label={t("admin.fields.targets")} value={s.targets} testid="fig-targets" />
        {detail.enrolmentKind && <Figure label={t("admin.assignment.students")} value={s.eligibleStudents} testid="fig-students" />}
        {detail.enrolmentKind && <Figure label={t("admin.assignment.rows")} value={s.eligibilityRows} />}
        {detail.sectionKind && <Figure label={t("admin.assignment.observations")} value={s.observations} />}
      </Space>
      {byGroup.length > 0 && (
        <Space wrap size={4}>
          {byGroup.map(([g, n]) => (
            <Tag key={g}>{`${t(`raterGroups.${g as GroupKey<"campaigns.raterGroups">}`)} ${format.number(n ?? 0)}`}</Tag>
          ))}
        </Space>
      )}
      <Typography.Text type="secondary">
        {s.generatedAt ? t("admin.assignment.generatedAt", { when: when(s.generatedAt) }) : t("admin.assignment.notGenerated")}
        {s.generatedAt &&
          detail.sectionKind &&
          ` · ${t("admin.assignment.usedOptions", {
            min: opts.minEnrolment ?? 0,
            types: (opts.excludedCourseTypes ?? []).length,
            codes: (opts.excludedCourseCodes ?? []).length,
          })}`}
      </Typography.Text>

      <Divider titlePlacement="start" plain style={{ margin: "4px 0" }}>
        {t("admin.assignment.byUnit")}
      </Divider>
      <Table
        size="small"
        rowKey="unitId"
        dataSource={s.units}
        pagination={false}
        scroll={{ x: "max-content" }}
        data-testid="units-table"
        locale={{ emptyText: t("admin.assignment.empty") }}
        columns={[
          {
            title: t("admin.fields.unit"),
            key: "unit",
            render: (_, u) => <span style={{ whiteSpace: "normal" }}>{unitName(u.unitId, u.unitName)}</span>,
          },
          ...(detail.sectionKind
            ? [{ title: t("admin.assignment.sections"), dataIndex: "sections", align: "right" as const, render: num }]
            : []),
          { title: t("admin.fields.targets"), dataIndex: "targets", align: "right" as const, render: num },
          ...(detail.enrolmentKind
            ? [{ title: t("admin.assignment.students"), dataIndex: "eligibleStudents", align: "right" as const, render: num }]
            : []),
          ...(detail.sectionKind
            ? [{ title: t("admin.assignment.excluded"), dataIndex: "excludedSections", align: "right" as const, render: num }]
            : []),
        ]}
      />

      {detail.sectionKind && (
        <>
          <Divider titlePlacement="start" plain style={{ margin: "4px 0" }}>
            {t("admin.assignment.excludedTitle", { count: s.excluded.length })}
          </Divider>
          {s.excluded.length > 0 && (
            <Space wrap size={4}>
              {Object.entries(s.excludedByReason).map(([r, n]) => (
                <Tag key={r}>{`${t(`exclusionReasons.${r as GroupKey<"campaigns.exclusionReasons">}`)} ${n}`}</Tag>
              ))}
            </Space>
          )}
          <Table
            size="small"
            rowKey="sectionId"
            dataSource={s.excluded}
            scroll={{ x: "max-content" }}
            data-testid="excluded-table"
            pagination={{ pageSize: 10, hideOnSinglePage: true, size: "small" }}
            locale={{ emptyText: t("admin.assignment.noneExcluded") }}
            columns={[
              {
                title: t("admin.fields.section"),
                key: "s",
                render: (_, x) => (
                  <div style={{ whiteSpace: "normal", minWidth: 140 }}>
                    {`${x.courseCode} ${cn(x.courseName, x.courseNameEn)}`}
                    <div>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {x.sectionCode}
                      </Typography.Text>
                    </div>
                  </div>
                ),
              },
              {
                title: t("admin.fields.unit"),
                key: "u",
                responsive: ["md"],
                render: (_, x) => unitName(x.unitId, unitNames.get(x.unitId) ?? "—"),
              },
              {
                title: t("admin.assignment.reason"),
                dataIndex: "reason",
                render: (r: string) => t(`exclusionReasons.${r as GroupKey<"campaigns.exclusionReasons">}`),
              },
            ]}
          />
        </>
      )}

      {draft && (
        <>
          <Divider titlePlacement="start" plain style={{ margin: "4px 0" }}>
            {t("admin.assignment.regenerateTitle")}
          </Divider>
          {detail.sectionKind ? (
            <Regenerate detail={detail} />
          ) : (
            <Typography.Text type="secondary">{t("admin.assignment.trackingHelp")}</Typography.Text>
          )}
        </>
      )}
    </Space>
  );
}
