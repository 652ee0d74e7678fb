"use client";
import { MinusCircleOutlined, PlusOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Card, DatePicker, Divider, Form, Input, InputNumber, Radio, Select, Space, Typography } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { useTRPC } from "../../../../_components/trpc";
import {
  InstrumentFields,
  chosenInstruments,
  defaultInstruments,
  fromPicker,
  toPicker,
  useErrorToast,
  useLocalName,
  type FormOptions,
} from "../_components/shared";
import type { GroupKey } from "@/server/i18n/messages";
import { fromBeijingWallClock } from "@/server/kernel/time";
import { at } from "@/server/shared/indexed";

type Values = {
  kind: string;
  name: string;
  termId?: number;
  scopeUnitId?: number;
  opensAt: Dayjs;
  closesAt: Dayjs;
  instruments?: Record<string, number | undefined>;
  cohorts?: { graduationYear: number; offsetYears: 0.5 | 3 | 5 }[];
  employerMode?: "all" | "chosen";
  employerIds?: number[];
};

const WHOLE_SCHOOL = 0;
const DEFAULT_DAYS = 14;

/** The top units of a unit admin's scope (those whose parent is outside it). */
function topUnits(units: FormOptions["units"]) {
  const ids = new Set(units.map((u) => u.id));
  return units.filter((u) => u.parentId === null || !ids.has(u.parentId));
}

function Fields({ options }: { options: FormOptions }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const t = useTranslations("campaigns");
  const name = useLocalName();
  const router = useRouter();
  const toast = useErrorToast();
  const [form] = Form.useForm<Values>();
  const kind = Form.useWatch("kind", form) ?? "end_of_term";
  const termId = Form.useWatch("termId", form);
  const opensAt = Form.useWatch("opensAt", form);
  const employerMode = Form.useWatch("employerMode", form);
  const meta = options.kinds.find((k) => k.kind === kind) ?? at(options.kinds, 0); // every kind is offered
  const nameTouched = useRef(false);
  const cohortsTouched = useRef(false);
  const [error, setError] = useState<string | null>(null);

  // The graduation year each offset surveys, for the day the wave opens.
  const opensDay = opensAt ? opensAt.format("YYYY-MM-DD") : null;
  const cohortYears = useQuery({
    ...trpc.campaigns.cohortYears.queryOptions({ opensAt: fromBeijingWallClock(`${opensDay ?? "2000-01-01"}T12:00:00`) }),
    enabled: meta.cohorts && opensDay !== null,
  });
  useEffect(() => {
    if (!meta.cohorts || !cohortYears.data || cohortsTouched.current) return;
    const have = new Set(options.cohortYears.map((c) => c.year));
    const withCohorts = cohortYears.data.filter((c) => have.has(c.graduationYear));
    form.setFieldValue("cohorts", withCohorts.length ? withCohorts : cohortYears.data.slice(0, 1));
  }, [cohortYears.data, meta.cohorts, options.cohortYears, form]);

  // Instruments follow the kind: its rater groups, each with its latest approved version.
  useEffect(() => {
    form.setFieldValue("instruments", defaultInstruments(meta.groups, options.versions));
  }, [meta, options.versions, form]);

  // A name until the user writes one: "<term> <kind>", or "<year> <kind>" for tracking.
  useEffect(() => {
    if (nameTouched.current) return;
    const term = options.terms.find((x) => x.id === termId);
    const prefix = meta.term ? term?.code : opensDay?.slice(0, 4);
    form.setFieldValue("name", [prefix, t(`kinds.${meta.kind}`)].filter(Boolean).join(" "));
  }, [meta, termId, opensDay, options.terms, form, t]);

  const create = useMutation(
    trpc.campaigns.create.mutationOptions({
      onSuccess: (c) => {
        void qc.invalidateQueries({ queryKey: trpc.campaigns.list.queryKey() });
        router.push(`/admin/campaigns/${c.id}`);
      },
      onError: (e) => {
        setError(e.message);
        toast(e);
      },
    }),
  );

  const submit = (v: Values) => {
    setError(null);
    create.mutate({
      kind: v.kind as never,
      name: v.name,
      termId: meta.term ? v.termId : undefined,
      scopeUnitId: v.scopeUnitId === WHOLE_SCHOOL ? null : v.scopeUnitId,
      opensAt: fromPicker(v.opensAt),
      closesAt: fromPicker(v.closesAt),
      instruments: chosenInstruments(v.instruments),
      cohorts: meta.cohorts ? (v.cohorts ?? []) : undefined,
      employers: meta.employers ? (v.employerMode === "chosen" ? (v.employerIds ?? []) : "all") : undefined,
    });
  };

  const start = toPicker(options.now).second(0).millisecond(0);
  const current = options.terms.find((x) => x.isCurrent) ?? options.terms[0];
  const units = options.wholeSchool ? options.units.filter((u) => u.kind !== "school") : options.units;
  const initial: Partial<Values> = {
    kind: "end_of_term",
    termId: current?.id,
    opensAt: start,
    closesAt: start.add(DEFAULT_DAYS, "day").hour(23).minute(59),
    scopeUnitId: options.wholeSchool ? WHOLE_SCHOOL : topUnits(options.units)[0]?.id,
    employerMode: "all",
  };
  const kindLabel = (k: string) => t(`kinds.${k as GroupKey<"campaigns.kinds">}`);

  return (
    <Form
      form={form}
      layout="vertical"
      initialValues={initial}
      onFinish={submit}
      style={{ maxWidth: 640 }}
      data-testid="campaign-form"
      onValuesChange={(changed) => {
        if ("name" in changed) nameTouched.current = true;
        if ("cohorts" in changed) cohortsTouched.current = true;
      }}
    >
      <Form.Item name="kind" label={t("admin.fields.kind")} rules={[{ required: true }]}>
        <Select
          data-testid="kind-select"
          options={options.kinds.map((k) => ({ value: k.kind, label: kindLabel(k.kind) }))}
          onChange={() => {
            cohortsTouched.current = false;
          }}
        />
      </Form.Item>
      {meta.term && (
        <Form.Item name="termId" label={t("admin.fields.term")} rules={[{ required: true, message: t("errors.termRequired") }]}>
          <Select
            data-testid="term-select"
            options={options.terms.map((x) => ({
              value: x.id,
              label: x.isCurrent ? t("admin.form.termCurrent", { code: x.code }) : x.code,
            }))}
          />
        </Form.Item>
      )}
      <Form.Item
        name="name"
        label={t("admin.fields.name")}
        rules={[{ required: true, whitespace: true, message: t("errors.nameRequired") }, { max: 200 }]}
      >
        <Input maxLength={200} data-testid="name-input" />
      </Form.Item>
      <Form.Item
        name="scopeUnitId"
        label={t("admin.fields.scope")}
        rules={[{ required: true }]}
        extra={options.wholeSchool ? undefined : t("admin.form.scopeUnitAdmin")}
      >
        <Select
          showSearch={{ optionFilterProp: "label" }}
          data-testid="scope-select"
          options={[
            ...(options.wholeSchool ? [{ value: WHOLE_SCHOOL, label: t("admin.fields.wholeSchool") }] : []),
            ...units.map((u) => ({ value: u.id, label: name(u.name, u.nameEn) })),
          ]}
        />
      </Form.Item>

      <Space wrap size="middle" style={{ width: "100%" }}>
        <Form.Item name="opensAt" label={t("admin.fields.opensAt")} rules={[{ required: true }]}>
          <DatePicker
            showTime={{ format: "HH:mm" }}
            format="YYYY-MM-DD HH:mm"
            allowClear={false}
            data-testid="opens-at"
            style={{ width: 200 }}
          />
        </Form.Item>
        <Form.Item
          name="closesAt"
          label={t("admin.fields.closesAt")}
          dependencies={["opensAt"]}
          rules={[
            { required: true },
            ({ getFieldValue }) => ({
              validator: (_, v: Dayjs | undefined) => {
                // The opening date picker's value: a Dayjs, or null/undefined while empty.
                const opens: unknown = getFieldValue("opensAt");
                const start = dayjs.isDayjs(opens) || opens === null ? opens : undefined;
                return !v || v.isAfter(start) ? Promise.resolve() : Promise.reject(new Error(t("errors.windowOrder")));
              },
            }),
          ]}
        >
          <DatePicker
            showTime={{ format: "HH:mm" }}
            format="YYYY-MM-DD HH:mm"
            allowClear={false}
            data-testid="closes-at"
            style={{ width: 200 }}
          />
        </Form.Item>
      </Space>
      <Typography.Paragraph type="secondary" style={{ marginTop: -12 }}>
        {t("admin.form.beijingTime")}
      </Typography.Paragraph>

      {meta.cohorts && (
        <Form.Item label={t("admin.form.cohorts")} extra={t("admin.form.cohortsHelp")} required>
          <Form.List name="cohorts">
            {(fields, { add, remove }) => (
              <Space orientation="vertical" style={{ width: "100%" }}>
                {fields.map((f) => (
                  <Space key={f.key} wrap align="baseline">
                    <Form.Item name={[f.name, "offsetYears"]} noStyle rules={[{ required: true }]}>
                      <Select
                        style={{ width: 150 }}
                        options={options.offsets.map((o) => ({ value: o, label: t("admin.form.offset", { years: o }) }))}
                        onChange={(o: number) => {
                          const y = cohortYears.data?.find((c) => c.offsetYears === o)?.graduationYear;
                          if (y) form.setFieldValue(["cohorts", f.name, "graduationYear"], y);
                        }}
                      />
                    </Form.Item>
                    <Form.Item name={[f.name, "graduationYear"]} noStyle rules={[{ required: true }]}>
                      <InputNumber min={1950} max={2200} style={{ width: 110 }} suffix={t("admin.form.yearSuffix")} />
                    </Form.Item>
                    <CohortCount field={f.name} options={options} />
                    <MinusCircleOutlined onClick={() => remove(f.name)} aria-label={t("admin.form.remove")} />
                  </Space>
                ))}
                {fields.length < options.offsets.length && (
                  <Button
                    type="dashed"
                    icon={<PlusOutlined />}
                    onClick={() => {
                      const used = new Set(((form.getFieldValue("cohorts") as Values["cohorts"]) ?? []).map((c) => c?.offsetYears));
                      const offsetYears = options.offsets.find((o) => !used.has(o)) ?? options.offsets[0];
                      add({ offsetYears, graduationYear: cohortYears.data?.find((c) => c.offsetYears === offsetYears)?.graduationYear });
                    }}
                  >
                    {t("admin.form.addCohort")}
                  </Button>
                )}
              </Space>
            )}
          </Form.List>
        </Form.Item>
      )}

      {meta.employers && (
        <>
          <Form.Item name="employerMode" label={t("admin.form.employers")}>
            <Radio.Group
              options={[
                { value: "all", label: t("admin.form.allEmployers", { count: options.employerCount }) },
                ...(options.employers ? [{ value: "chosen", label: t("admin.form.chosenEmployers") }] : []),
              ]}
            />
          </Form.Item>
          {employerMode === "chosen" && options.employers && (
            <Form.Item name="employerIds" rules={[{ required: true, message: t("errors.employersRequired") }]}>
              <Select
                mode="multiple"
                showSearch={{ optionFilterProp: "label" }}
                placeholder={t("admin.form.chooseEmployers")}
                options={options.employers.map((e) => ({ value: e.id, label: e.name }))}
              />
            </Form.Item>
          )}
        </>
      )}

      <Divider titlePlacement="start" plain>
        {t("admin.fields.instruments")}
      </Divider>
      <Typography.Paragraph type="secondary">{t("admin.form.instrumentsHelp")}</Typography.Paragraph>
      <InstrumentFields groups={meta.groups} versions={options.versions} />

      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="form-error" />}
      <Space>
        <Button type="primary" htmlType="submit" loading={create.isPending} data-testid="create-campaign">
          {t("admin.form.submit")}
        </Button>
        <Button onClick={() => router.push("/admin/campaigns")}>{t("admin.form.cancel")}</Button>
      </Space>
    </Form>
  );
}

function CohortCount({ field, options }: { field: number; options: FormOptions }) {
  const t = useTranslations("campaigns");
  const year = Form.useWatch(["cohorts", field, "graduationYear"], Form.useFormInstance()) as number | undefined;
  const c = options.cohortYears.find((x) => x.year === year);
  return (
    <Typography.Text type={c ? "secondary" : "warning"}>
      {c ? t("admin.form.cohortCount", { cohorts: c.cohorts, alumni: c.alumni }) : t("admin.form.noCohort")}
    </Typography.Text>
  );
}

export function CampaignForm() {
  const trpc = useTRPC();
  const t = useTranslations("campaigns");
  const options = useQuery(trpc.campaigns.formOptions.queryOptions());
  return (
    <Card
      title={
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t("admin.form.title")}
        </Typography.Title>
      }
      loading={options.isLoading}
    >
      {options.error && <Typography.Text type="danger">{options.error.message}</Typography.Text>}
      {options.data && <Fields options={options.data} />}
    </Card>
  );
}
