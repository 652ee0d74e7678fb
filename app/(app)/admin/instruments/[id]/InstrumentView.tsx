"use client";
import { EditOutlined, EyeOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { App, Button, Card, Descriptions, Form, Grid, Input, List, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from "antd";
import { useFormatter, useLocale, useTranslations } from "next-intl";
import { useRef, useState } from "react";
import { useTRPC } from "../../../../_components/trpc";
import { DiffList, STATUS_COLOR, UploadInstrument } from "../_components/parts";

const NOTE_MAX = 2000;
const SELECTED_BG = "#f0f5ff";

function ApproveButton({ versionId, version, onDone }: { versionId: number; version: number; onDone: () => void }) {
  const trpc = useTRPC();
  const t = useTranslations("instruments");
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ note: string }>();
  const approve = useMutation(
    trpc.instruments.approve.mutationOptions({
      onSuccess: () => {
        setOpen(false);
        form.resetFields();
        void message.success(t("approve.done", { version }));
        onDone();
      },
    }),
  );
  return (
    <>
      <Button
        size="small"
        type="primary"
        onClick={() => {
          approve.reset();
          setOpen(true);
        }}
        data-testid={`approve-${version}`}
      >
        {t("detail.approve")}
      </Button>
      <Modal
        open={open}
        title={t("approve.title", { version })}
        okText={t("approve.ok")}
        cancelText={t("approve.cancel")}
        confirmLoading={approve.isPending}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        destroyOnHidden
        okButtonProps={{ "data-testid": "approve-ok" }}
      >
        <Typography.Paragraph type="secondary">{t("approve.intro")}</Typography.Paragraph>
        <Form form={form} layout="vertical" onFinish={(v) => approve.mutate({ id: versionId, note: v.note })}>
          <Form.Item
            name="note"
            label={t("approve.note")}
            validateStatus={approve.error ? "error" : undefined}
            help={approve.error?.message}
            rules={[{ required: true, whitespace: true, max: NOTE_MAX, message: t("errors.noteRequired", { max: NOTE_MAX }) }]}
          >
            <Input.TextArea rows={4} maxLength={NOTE_MAX} showCount placeholder={t("approve.notePlaceholder")} data-testid="approve-note" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

function RetireButton({ versionId, version, draft, onDone }: { versionId: number; version: number; draft: boolean; onDone: () => void }) {
  const trpc = useTRPC();
  const t = useTranslations("instruments");
  const { message } = App.useApp();
  const retire = useMutation(
    trpc.instruments.retire.mutationOptions({
      onSuccess: () => {
        void message.success(t("detail.retiredOk", { version }));
        onDone();
      },
      onError: (e) => {
        void message.error(e.message);
      },
    }),
  );
  return (
    <Popconfirm
      title={t(draft ? "detail.retireDraftConfirm" : "detail.retireConfirm", { version })}
      onConfirm={() => retire.mutate({ id: versionId })}
      okText={t("detail.retire")}
      cancelText={t("approve.cancel")}
      overlayStyle={{ maxWidth: 320 }}
    >
      <Button size="small" danger loading={retire.isPending} data-testid={`retire-${version}`}>
        {t("detail.retire")}
      </Button>
    </Popconfirm>
  );
}

export function InstrumentView({ id, initialVersionId, canApprove }: { id: number; initialVersionId?: number; canApprove: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const t = useTranslations("instruments");
  const locale = useLocale();
  const format = useFormatter();
  const inst = useQuery(trpc.instruments.get.queryOptions({ id }));
  const [selected, setSelected] = useState<number | undefined>(initialVersionId);
  const [against, setAgainst] = useState<number | undefined>(undefined);
  const diffRef = useRef<HTMLDivElement>(null);
  const screens = Grid.useBreakpoint();
  const mobile = screens.md === false;
  const versions = inst.data?.versions ?? [];
  const diffId = versions.some((v) => v.id === selected) ? selected : versions[0]?.id;
  const diffVersion = versions.find((v) => v.id === diffId);
  const diff = useQuery({ ...trpc.instruments.diff.queryOptions({ id: diffId ?? 0, against }), enabled: !!diffId });
  const refresh = () => {
    void qc.invalidateQueries({ queryKey: trpc.instruments.pathKey() });
  };
  const when = (d: Date | string | null) => (d ? format.dateTime(new Date(d), { dateStyle: "medium", timeStyle: "short" }) : "");

  if (inst.error) return <Typography.Text type="danger">{inst.error.message}</Typography.Text>;
  const i = inst.data;
  const name = i ? (locale === "en" ? (i.nameEn ?? i.name) : i.name) : "";
  const older = versions.filter((v) => diffVersion && v.version < diffVersion.version);
  const showDiff = (versionId: number) => {
    setSelected(versionId);
    setAgainst(undefined);
    diffRef.current?.scrollIntoView({ behavior: "smooth", block: "start" });
  };

  type V = (typeof versions)[number];
  // A draft older than an approved version can no longer be approved (the server refuses it too).
  const newestApproved = Math.max(0, ...versions.filter((v) => v.approvedAt).map((v) => v.version));
  const versionCell = (v: V) => (
    <Space size={4} wrap>
      <Typography.Text strong>{`v${v.version}`}</Typography.Text>
      <Tag color={STATUS_COLOR[v.status]} data-testid={`status-${v.version}`}>
        {t(`status.${v.status}`)}
      </Tag>
      {i?.currentApprovedId === v.id && <Tag color="blue">{t("detail.current")}</Tag>}
    </Space>
  );
  const createdCell = (v: V) => (
    <div>
      <div>{t("detail.by", { name: v.createdByName ?? "—", when: when(v.createdAt) })}</div>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t("detail.counts", { indicators: v.indicatorCount, items: v.itemCount })}
      </Typography.Text>
    </div>
  );
  const approvalCell = (v: V) => (
    <div style={{ maxWidth: 360, whiteSpace: "normal" }} data-testid={`approval-${v.version}`}>
      {v.approvedAt && (
        <div>
          {mobile && `${t("detail.approval")}: `}
          {t("detail.by", { name: v.approvedByName ?? "—", when: when(v.approvedAt) })}
        </div>
      )}
      {v.approvalNote && <Typography.Text type="secondary">{v.approvalNote}</Typography.Text>}
      {v.retiredAt && (
        <div>
          <Typography.Text type="secondary">
            {t("detail.retired")}
            {": "}
            {t("detail.by", { name: v.retiredByName ?? "—", when: when(v.retiredAt) })}
          </Typography.Text>
        </div>
      )}
    </div>
  );
  const actionsCell = (v: V) => (
    <Space wrap size={4}>
      <Button size="small" icon={<EyeOutlined />} href={`/admin/instruments/versions/${v.id}/preview`} data-testid={`preview-${v.version}`}>
        {t("detail.preview")}
      </Button>
      <Button size="small" onClick={() => showDiff(v.id)} data-testid={`diff-${v.version}`}>
        {t("detail.diff")}
      </Button>
      {canApprove && v.status === "draft" && v.version > newestApproved && (
        <ApproveButton versionId={v.id} version={v.version} onDone={refresh} />
      )}
      {canApprove && v.status !== "retired" && (
        <RetireButton versionId={v.id} version={v.version} draft={v.status === "draft"} onDone={refresh} />
      )}
    </Space>
  );

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Card
        loading={!i}
        title={
          <Typography.Title level={4} style={{ margin: 0, whiteSpace: "normal" }} data-testid="instrument-name">
            {name}
          </Typography.Title>
        }
        extra={
          <Button href={`/admin/instruments/${id}/edit`} icon={<EditOutlined />} data-testid="edit-in-app">
            {t("detail.edit")}
          </Button>
        }
      >
        {i && (
          <>
            <Descriptions column={{ xs: 1, sm: 2 }} size="small" style={{ marginBottom: 12 }}>
              <Descriptions.Item label={t("detail.key")}>
                <Typography.Text code>{i.key}</Typography.Text>
              </Descriptions.Item>
              <Descriptions.Item label={t("detail.kind")}>{t(`kinds.${i.kind}`)}</Descriptions.Item>
            </Descriptions>
            <UploadInstrument
              label={t("upload.button")}
              onDone={(r) => {
                if (r.instrumentId === id) {
                  setSelected(r.versionId);
                  setAgainst(undefined);
                }
              }}
            />
          </>
        )}
      </Card>

      <Card title={t("detail.versions")} styles={{ body: { paddingTop: 8 } }}>
        {mobile ? (
          <List
            data-testid="versions-table"
            dataSource={versions}
            loading={inst.isFetching}
            rowKey="id"
            renderItem={(v) => (
              <List.Item
                data-testid="version-row"
                style={{ display: "block", paddingInline: 8, ...(v.id === diffId ? { background: SELECTED_BG } : {}) }}
              >
                {versionCell(v)}
                <div style={{ marginTop: 4 }}>{createdCell(v)}</div>
                <div style={{ marginTop: 4 }}>{approvalCell(v)}</div>
                <div style={{ marginTop: 8 }}>{actionsCell(v)}</div>
              </List.Item>
            )}
          />
        ) : (
          <Table
            data-testid="versions-table"
            rowKey="id"
            size="small"
            dataSource={versions}
            loading={inst.isFetching}
            pagination={false}
            scroll={{ x: "max-content" }}
            onRow={(v) => ({ "data-testid": "version-row", style: v.id === diffId ? { background: SELECTED_BG } : undefined }) as never}
            columns={[
              { title: t("detail.version"), key: "v", render: (_, v) => versionCell(v) },
              { title: t("detail.created"), key: "c", render: (_, v) => createdCell(v) },
              { title: t("detail.approval"), key: "a", render: (_, v) => approvalCell(v) },
              { title: t("detail.actions"), key: "x", render: (_, v) => actionsCell(v) },
            ]}
          />
        )}
      </Card>

      {diffVersion && (
        <Card
          data-testid="diff-card"
          ref={diffRef}
          title={
            <span style={{ whiteSpace: "normal" }}>
              {diff.data?.base
                ? t("diff.title", { version: diff.data.target.version, base: diff.data.base.version })
                : `v${diffVersion.version}`}
            </span>
          }
          extra={
            older.length > 1 ? (
              <Select
                size="small"
                style={{ minWidth: 90 }}
                value={against ?? diff.data?.base?.id}
                onChange={(v) => setAgainst(v)}
                aria-label={t("detail.diff")}
                options={older.map((v) => ({ value: v.id, label: `v${v.version}` }))}
              />
            ) : null
          }
        >
          {diff.error && <Typography.Text type="danger">{diff.error.message}</Typography.Text>}
          {diff.isLoading && <Typography.Text type="secondary">…</Typography.Text>}
          {diff.data && <DiffList result={diff.data} />}
        </Card>
      )}
    </Space>
  );
}
