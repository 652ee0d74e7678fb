"use client";
import { EditOutlined, LoadingOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  Alert,
  App,
  Button,
  Descriptions,
  Divider,
  Form,
  List,
  Modal,
  Popconfirm,
  Progress,
  Select,
  Space,
  Spin,
  Switch,
  Table,
  Typography,
} from "antd";
import { useFormatter, useTranslations } from "next-intl";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { useTRPC } from "../../../../_components/trpc";
import { InstrumentFields, chosenInstruments, useErrorToast, useLocalName, useWhen, type Detail } from "../_components/shared";
import type { GroupKey } from "@/server/i18n/messages";

/** Refreshes everything the campaign's pages show of it. */
export function useRefreshCampaign() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: trpc.campaigns.pathKey() });
  };
}

/** (Re)generates the assignment, reporting what came out. */
export function useGenerate() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const t = useTranslations("campaigns");
  const toast = useErrorToast();
  const { message } = App.useApp();
  const refresh = useRefreshCampaign();
  return useMutation(
    trpc.campaigns.generate.mutationOptions({
      onSuccess: (r, vars) => {
        const kind = qc.getQueryData(trpc.campaigns.detail.queryKey({ id: vars.id }))?.campaign.kind;
        const counts = {
          targets: r.targets,
          eligibility: r.eligibility,
          excluded: r.excludedSections,
          seconds: r.seconds,
          sections: r.sections,
          observations: r.observations,
          officers: r.officers ?? 0,
        };
        // Each kind says what it made: an observation round its sections and planned records, an
        // information-officer campaign the officers who may report.
        void message.success(
          t(
            kind === "info_officer"
              ? "admin.assignment.generatedOfficers"
              : kind === "observation_round"
                ? "admin.assignment.generatedObservation"
                : "admin.assignment.generated",
            counts,
          ),
        );
        refresh();
      },
      onError: toast,
    }),
  );
}

function EditInstruments({ detail }: { detail: Detail }) {
  const trpc = useTRPC();
  const t = useTranslations("campaigns");
  const toast = useErrorToast();
  const { message } = App.useApp();
  const refresh = useRefreshCampaign();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ instruments: Record<string, number | undefined> }>();
  const options = useQuery({ ...trpc.campaigns.formOptions.queryOptions(), enabled: open });
  const save = useMutation(
    trpc.campaigns.setInstruments.mutationOptions({
      onSuccess: () => {
        setOpen(false);
        void message.success(t("admin.overview.instrumentsSaved"));
        refresh();
      },
      onError: toast,
    }),
  );
  return (
    <>
      <Button size="small" icon={<EditOutlined />} onClick={() => setOpen(true)} data-testid="edit-instruments">
        {t("admin.overview.editInstruments")}
      </Button>
      <Modal
        open={open}
        title={t("admin.overview.editInstruments")}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        confirmLoading={save.isPending}
        okText={t("admin.actions.save")}
        cancelText={t("admin.actions.cancel")}
        destroyOnHidden
      >
        {options.data ? (
          <Form
            form={form}
            layout="vertical"
            initialValues={{ instruments: Object.fromEntries(detail.instruments.map((i) => [i.raterGroup, i.versionId])) }}
            onFinish={(v) => save.mutate({ id: detail.campaign.id, instruments: chosenInstruments(v.instruments) })}
          >
            <InstrumentFields groups={detail.groups} versions={options.data.versions} />
          </Form>
        ) : (
          <Spin />
        )}
      </Modal>
    </>
  );
}

function Actions({ detail, onTab }: { detail: Detail; onTab: (key: string) => void }) {
  const trpc = useTRPC();
  const t = useTranslations("campaigns");
  const when = useWhen();
  const toast = useErrorToast();
  const { message, modal } = App.useApp();
  const refresh = useRefreshCampaign();
  const c = detail.campaign;
  const id = c.id;
  const generate = useGenerate();
  const open = useMutation(
    trpc.campaigns.open.mutationOptions({
      onSuccess: () => {
        void message.success(t("admin.overview.opened"));
        refresh();
      },
      onError: (e) => {
        toast(e);
        refresh();
      },
    }),
  );
  const close = useMutation(
    trpc.campaigns.close.mutationOptions({
      onSuccess: () => {
        void message.success(t("admin.overview.closed"));
        refresh();
      },
      onError: toast,
    }),
  );
  const tr = useTranslations("results");
  const publish = useMutation(
    trpc.campaigns.publish.mutationOptions({
      onSuccess: () => {
        void message.success(tr("published"));
        refresh();
      },
      onError: toast,
    }),
  );
  // While the keys are made (~0.1 s a target), how many are ready.
  const keys = useQuery({ ...trpc.campaigns.keyProgress.queryOptions({ id }), enabled: open.isPending, refetchInterval: 1000 });
  const progress = keys.data ?? detail.keys ?? { targets: 0, ready: 0 };
  const now = Date.now();
  const reports = detail.reports;
  // An information-officer campaign has no targets: it opens once generated with officers in scope.
  const targets = reports ? (c.generatedAt ? (detail.officers ?? 0) : 0) : (detail.summary?.targets ?? 0);
  const router = useRouter();
  const qc = useQueryClient();
  const remove = useMutation(
    trpc.campaigns.delete.mutationOptions({
      // Only the list is refreshed: the deleted campaign's own queries would answer "not found".
      onSuccess: () => {
        void message.success(t("admin.overview.deleted", { name: c.name }));
        void qc.invalidateQueries({ queryKey: trpc.campaigns.list.queryKey() });
        router.push("/admin/campaigns");
      },
      onError: toast,
    }),
  );
  const confirmDelete = () =>
    modal.confirm({
      title: t("admin.overview.deleteConfirmTitle"),
      content: t("admin.overview.deleteConfirm", { name: c.name }),
      okText: t("admin.actions.delete"),
      cancelText: t("admin.actions.cancel"),
      okButtonProps: { danger: true, "data-testid": "delete-ok" },
      onOk: () => remove.mutateAsync({ id }),
    });

  const confirmOpen = () =>
    modal.confirm({
      title: t("admin.overview.openConfirmTitle"),
      content: reports ? t("admin.overview.officersHelp") : t("admin.overview.openConfirm", { targets }),
      okText: t("admin.actions.open"),
      cancelText: t("admin.actions.cancel"),
      okButtonProps: { "data-testid": "open-ok" },
      onOk: () => {
        open.mutate({ id });
      },
    });

  if (c.state === "draft") {
    return (
      <Space orientation="vertical" style={{ width: "100%" }}>
        {now < new Date(c.opensAt).getTime() && (
          <Alert type="info" showIcon title={t("admin.overview.notYet", { when: when(c.opensAt) })} />
        )}
        {now >= new Date(c.closesAt).getTime() && <Alert type="warning" showIcon title={t("errors.windowOver")} />}
        {targets === 0 && (
          <Alert
            type="info"
            showIcon
            data-testid="generate-first"
            title={
              !reports
                ? t("admin.overview.generateFirst")
                : c.generatedAt
                  ? t("admin.overview.noOfficers")
                  : t("admin.overview.generateOfficersFirst")
            }
          />
        )}
        <Space wrap>
          <Popconfirm
            title={c.generatedAt ? t("admin.overview.regenerateConfirm") : t("admin.overview.generateConfirm")}
            okText={t("admin.actions.generate")}
            cancelText={t("admin.actions.cancel")}
            overlayStyle={{ maxWidth: 320 }}
            onConfirm={() => generate.mutate({ id, options: c.generationOptions ?? {} })}
            okButtonProps={{ "data-testid": "generate-ok" }}
          >
            <Button loading={generate.isPending} data-testid="generate">
              {t(c.generatedAt ? "admin.actions.regenerate" : "admin.actions.generate")}
            </Button>
          </Popconfirm>
          {detail.observationsTab && (
            <Button onClick={() => onTab("observations")} data-testid="go-observations">
              {t("admin.actions.planObservations")}
            </Button>
          )}
          <Button type="primary" onClick={confirmOpen} loading={open.isPending} disabled={targets === 0} data-testid="open-campaign">
            {t("admin.actions.open")}
          </Button>
          <Button danger onClick={confirmDelete} loading={remove.isPending} data-testid="delete-campaign">
            {t("admin.actions.delete")}
          </Button>
        </Space>
        <Modal
          open={open.isPending}
          closable={false}
          footer={null}
          maskClosable={false}
          keyboard={false}
          title={null}
          data-testid="opening"
        >
          <Space orientation="vertical" align="center" style={{ width: "100%", padding: "16px 0" }}>
            <Spin indicator={<LoadingOutlined style={{ fontSize: 32 }} spin />} />
            <Typography.Title level={5} style={{ margin: 0 }} data-testid="opening-title">
              {t("admin.overview.makingKeys")}
            </Typography.Title>
            <Progress percent={progress.targets ? Math.floor((progress.ready / progress.targets) * 100) : 0} style={{ width: 260 }} />
            <Typography.Text type="secondary">
              {t("admin.overview.keysProgress", { ready: progress.ready, targets: progress.targets })}
            </Typography.Text>
            <Typography.Text type="secondary" style={{ textAlign: "center" }}>
              {t("admin.overview.keysHelp")}
            </Typography.Text>
          </Space>
        </Modal>
      </Space>
    );
  }
  if (c.state === "open") {
    return (
      <Popconfirm
        title={t("admin.overview.closeConfirm")}
        okText={t("admin.actions.close")}
        cancelText={t("admin.actions.cancel")}
        okButtonProps={{ danger: true, "data-testid": "close-ok" }}
        overlayStyle={{ maxWidth: 320 }}
        onConfirm={() => close.mutate({ id })}
      >
        <Button danger loading={close.isPending} data-testid="close-campaign">
          {t("admin.actions.close")}
        </Button>
      </Popconfirm>
    );
  }
  // closed or published: the results of its school year
  const results = (
    <Link href={`/admin/results?${c.schoolYear ? `year=${c.schoolYear}&` : ""}tab=campaigns`} data-testid="go-results">
      {tr("title")}
    </Link>
  );
  return (
    <Space wrap>
      {c.state === "closed" && (
        <Popconfirm
          title={tr("publishConfirm")}
          okText={tr("publish")}
          cancelText={t("admin.actions.cancel")}
          overlayStyle={{ maxWidth: 320 }}
          okButtonProps={{ "data-testid": "publish-ok" }}
          onConfirm={() => publish.mutate({ id })}
        >
          <Button type="primary" loading={publish.isPending} data-testid="publish-campaign">
            {tr("publish")}
          </Button>
        </Popconfirm>
      )}
      {results}
    </Space>
  );
}

const REMINDER_DAY_CHOICES = Array.from({ length: 61 }, (_, i) => i);
const MAX_REMINDERS = 5;

function Settings({ detail }: { detail: Detail }) {
  const trpc = useTRPC();
  const t = useTranslations("campaigns");
  const toast = useErrorToast();
  const { message } = App.useApp();
  const refresh = useRefreshCampaign();
  const editable = detail.manage && (detail.campaign.state === "draft" || detail.campaign.state === "open");
  const [form] = Form.useForm<{ reminderDays: number[]; observersNamedToTeacher: boolean }>();
  const [dirty, setDirty] = useState(false);
  useEffect(() => {
    form.setFieldsValue(detail.settings);
    setDirty(false);
  }, [detail.settings, form]);
  const save = useMutation(
    trpc.campaigns.settings.mutationOptions({
      onSuccess: () => {
        void message.success(t("admin.overview.settingsSaved"));
        refresh();
      },
      onError: toast,
    }),
  );
  return (
    <Form
      form={form}
      layout="vertical"
      initialValues={detail.settings}
      disabled={!editable}
      style={{ maxWidth: 520 }}
      onValuesChange={() => setDirty(true)}
      onFinish={(v) => save.mutate({ id: detail.campaign.id, settings: v })}
    >
      <Form.Item name="reminderDays" label={t("admin.overview.reminderDays")} extra={t("admin.overview.reminderDaysHelp")}>
        <Select
          mode="multiple"
          maxCount={MAX_REMINDERS}
          data-testid="reminder-days"
          placeholder={t("admin.overview.noReminders")}
          options={REMINDER_DAY_CHOICES.map((d) => ({
            value: d,
            label: d === 0 ? t("admin.overview.lastDay") : t("admin.overview.daysBefore", { days: d }),
          }))}
        />
      </Form.Item>
      <Form.Item
        name="observersNamedToTeacher"
        label={t("admin.overview.observersNamed")}
        extra={t("admin.overview.observersNamedHelp")}
        valuePropName="checked"
      >
        <Switch data-testid="observers-named" />
      </Form.Item>
      {editable && (
        <Button htmlType="submit" type="primary" ghost disabled={!dirty} loading={save.isPending} data-testid="save-settings">
          {t("admin.actions.save")}
        </Button>
      )}
    </Form>
  );
}

export function OverviewTab({ detail, onTab }: { detail: Detail; onTab: (key: string) => void }) {
  const t = useTranslations("campaigns");
  const when = useWhen();
  const format = useFormatter();
  const name = useLocalName();
  const c = detail.campaign;
  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }} data-testid="overview">
      <Descriptions column={{ xs: 1, sm: 1, md: 2 }} size="small" bordered={false}>
        <Descriptions.Item label={t("admin.fields.kind")}>{t(`kinds.${c.kind}`)}</Descriptions.Item>
        {c.termCode && <Descriptions.Item label={t("admin.fields.term")}>{c.termCode}</Descriptions.Item>}
        <Descriptions.Item label={t("admin.fields.scope")}>
          {c.scopeUnitId === null ? t("admin.fields.wholeSchool") : name(c.scopeUnitName, c.scopeUnitNameEn)}
        </Descriptions.Item>
        <Descriptions.Item label={t("admin.fields.window")}>
          <span data-testid="window">
            <span style={{ whiteSpace: "nowrap" }}>{when(c.opensAt)}</span>
            {" – "}
            <span style={{ whiteSpace: "nowrap" }}>{when(c.closesAt)}</span>
          </span>
        </Descriptions.Item>
        {detail.cohorts.length > 0 && (
          <Descriptions.Item label={t("admin.form.cohorts")}>
            {detail.cohorts.map((k) => t("admin.overview.cohort", { year: k.graduationYear, years: k.offsetYears })).join("、")}
          </Descriptions.Item>
        )}
        {c.kind === "employer_tracking" && (
          <Descriptions.Item label={t("admin.form.employers")}>{format.number(detail.employers)}</Descriptions.Item>
        )}
        {detail.summary && !detail.reports && (
          <Descriptions.Item label={t("admin.fields.targets")}>{format.number(detail.summary.targets)}</Descriptions.Item>
        )}
        {detail.reports && (
          <Descriptions.Item label={t("admin.overview.officers")}>
            <span data-testid="officers">{format.number(detail.officers ?? 0)}</span>
          </Descriptions.Item>
        )}
        <Descriptions.Item label={t("admin.overview.created")}>{`${c.createdByName ?? "—"} · ${when(c.createdAt)}`}</Descriptions.Item>
        {c.generatedAt && <Descriptions.Item label={t("admin.overview.generatedAt")}>{when(c.generatedAt)}</Descriptions.Item>}
        {c.openedAt && <Descriptions.Item label={t("admin.overview.openedAt")}>{when(c.openedAt)}</Descriptions.Item>}
        {c.closedAt && <Descriptions.Item label={t("admin.overview.closedAt")}>{when(c.closedAt)}</Descriptions.Item>}
      </Descriptions>

      {detail.reports && <Typography.Text type="secondary">{t("admin.overview.officersHelp")}</Typography.Text>}
      {detail.manage && <Actions detail={detail} onTab={onTab} />}

      <Divider titlePlacement="start" plain style={{ margin: "4px 0" }}>
        {t("admin.fields.instruments")}
      </Divider>
      <Table
        size="small"
        rowKey="raterGroup"
        pagination={false}
        dataSource={detail.instruments}
        data-testid="instruments-table"
        locale={{ emptyText: t("admin.overview.noInstruments") }}
        columns={[
          {
            title: t("admin.overview.raterGroup"),
            dataIndex: "raterGroup",
            width: 120,
            render: (g: string) => t(`raterGroups.${g as GroupKey<"campaigns.raterGroups">}`),
          },
          { title: t("admin.overview.instrument"), key: "i", render: (_, i) => `${name(i.name, i.nameEn)} v${i.version}` },
        ]}
      />
      {detail.manage && c.state === "draft" && (
        <div>
          <EditInstruments detail={detail} />
        </div>
      )}

      <Divider titlePlacement="start" plain style={{ margin: "4px 0" }}>
        {t("admin.overview.settings")}
      </Divider>
      <Settings detail={detail} />

      <Divider titlePlacement="start" plain style={{ margin: "4px 0" }}>
        {t("admin.overview.reminders")}
      </Divider>
      <List
        size="small"
        data-testid="reminders"
        dataSource={detail.reminders}
        locale={{ emptyText: t("admin.overview.noRemindersSent") }}
        renderItem={(r) => (
          <List.Item style={{ paddingInline: 0 }}>
            {t("admin.overview.reminderRound", { days: r.daysBefore, day: r.sentOn, count: r.recipients })}
          </List.Item>
        )}
      />
    </Space>
  );
}
