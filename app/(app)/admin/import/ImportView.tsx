"use client";
import { DownloadOutlined, InboxOutlined } from "@ant-design/icons";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Card, Collapse, Progress, Select, Space, Table, Tag, Typography, Upload } from "antd";
import { useFormatter, useTranslations } from "next-intl";
import { useState } from "react";
import type { ImportKind } from "@/server/imports/kinds";
import type { GroupKey } from "@/server/i18n/messages";
import { useTRPC } from "../../../_components/trpc";

const STATUS_COLOR: Record<string, string> = {
  done: "green",
  failed: "red",
  queued: "default",
  parsing: "blue",
  validating: "blue",
  writing: "blue",
};

/** `kinds`: the registry's kinds (server/imports/kinds), in the order the select offers them. */
export function ImportView({ kinds }: { kinds: ImportKind[] }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const t = useTranslations("imports");
  const format = useFormatter();
  const [kind, setKind] = useState<ImportKind>("people");
  const [jobId, setJobId] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  const [uploadError, setUploadError] = useState<string | null>(null);

  const layout = useQuery(trpc.imports.layouts.queryOptions({ kind }));
  const job = useQuery({
    ...trpc.imports.job.queryOptions({ id: jobId ?? "00000000-0000-0000-0000-000000000000" }),
    enabled: !!jobId,
    refetchInterval: (q) => (q.state.data && ["done", "failed"].includes(q.state.data.status) ? false : 400),
  });
  const jobs = useQuery(trpc.imports.jobs.queryOptions({ limit: 10 }));
  const finished = job.data && ["done", "failed"].includes(job.data.status);
  if (finished && jobs.data && !jobs.data.some((j) => j.id === job.data.id && j.status === job.data.status)) {
    void qc.invalidateQueries({ queryKey: trpc.imports.jobs.queryKey() });
  }

  async function upload(file: File) {
    setUploading(true);
    setUploadError(null);
    setJobId(null);
    try {
      const body = new FormData();
      body.set("kind", kind);
      body.set("file", file);
      const res = await fetch("/api/imports", { method: "POST", body });
      const json = (await res.json().catch(() => ({}))) as { jobId?: string; error?: string };
      if (!res.ok || !json.jobId) throw new Error(json.error ?? res.statusText);
      setJobId(json.jobId);
    } catch (e) {
      setUploadError(t("page.uploadFailed", { reason: (e as Error).message }));
    } finally {
      setUploading(false);
    }
  }

  const l = layout.data?.[0];
  const j = job.data;
  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Card
        title={
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t("title")}
          </Typography.Title>
        }
      >
        <Space wrap style={{ marginBottom: 16 }}>
          <Typography.Text>{t("page.chooseKind")}</Typography.Text>
          <Select<ImportKind>
            value={kind}
            onChange={(k) => {
              setKind(k);
              setJobId(null);
            }}
            style={{ minWidth: 160 }}
            data-testid="import-kind"
            options={kinds.map((k) => ({ value: k, label: t(`kinds.${k}`) }))}
          />
          <Button icon={<DownloadOutlined />} href={`/api/imports/template?kind=${kind}&format=xlsx`}>
            {t("page.templateXlsx")}
          </Button>
          <Button icon={<DownloadOutlined />} href={`/api/imports/template?kind=${kind}&format=csv`}>
            {t("page.templateCsv")}
          </Button>
        </Space>
        <Upload.Dragger
          accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          multiple={false}
          showUploadList={false}
          disabled={uploading || (!!j && !finished)}
          beforeUpload={(file) => {
            void upload(file);
            return false;
          }}
          data-testid="import-upload"
        >
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <p className="ant-upload-text">{uploading ? t("page.uploading") : t("page.dragText")}</p>
          <p className="ant-upload-hint" style={{ padding: "0 12px" }}>
            {t("page.dragHint")}
          </p>
        </Upload.Dragger>

        {uploadError && <Alert type="error" showIcon title={uploadError} style={{ marginTop: 16 }} data-testid="import-upload-error" />}

        {j && (
          <div style={{ marginTop: 16 }} data-testid="import-job" data-status={j.status}>
            <Space wrap>
              <Typography.Text strong>{j.fileName}</Typography.Text>
              <Tag color={STATUS_COLOR[j.status]}>{t(`status.${j.status}`)}</Tag>
            </Space>
            {!finished && (
              <Progress
                percent={j.total ? Math.floor((j.processed / j.total) * 100) : 0}
                status="active"
                format={() => t("page.progress", { processed: j.processed, total: j.total })}
              />
            )}
            {j.status === "done" && (
              <Alert
                type="success"
                showIcon
                style={{ marginTop: 8 }}
                data-testid="import-result"
                title={t("summary", { total: j.total, inserted: j.inserted, updated: j.updated, unchanged: j.unchanged })}
              />
            )}
            {j.status === "failed" && (
              <>
                <Alert
                  type="error"
                  showIcon
                  style={{ marginTop: 8 }}
                  data-testid="import-errors-summary"
                  title={j.errorCount ? t("errorSummary", { count: j.errorCount }) : t("job.internal")}
                  description={
                    j.errors.length < j.errorCount ? t("errorsTruncated", { shown: j.errors.length, count: j.errorCount }) : undefined
                  }
                />
                {j.errors.length > 0 && (
                  <Table
                    data-testid="import-errors"
                    size="small"
                    style={{ marginTop: 8 }}
                    scroll={{ x: "max-content" }}
                    rowKey={(_, i) => String(i)}
                    dataSource={j.errors}
                    pagination={{ pageSize: 20, size: "small", hideOnSinglePage: true }}
                    columns={[
                      { title: t("columns.row"), dataIndex: "row", width: 70 },
                      { title: t("columns.column"), dataIndex: "column", render: (c: string | null) => c ?? "—" },
                      { title: t("columns.reason"), dataIndex: "reason" },
                      { title: t("columns.file"), dataIndex: "file", responsive: ["md"] },
                    ]}
                  />
                )}
              </>
            )}
          </div>
        )}
      </Card>

      {l && (
        <Card title={t("page.layout")} size="small">
          <Typography.Paragraph type="secondary">{l.description}</Typography.Paragraph>
          <Collapse
            size="small"
            items={[{ key: "rules", label: t("page.rules"), children: <Typography.Paragraph>{t("template.rules")}</Typography.Paragraph> }]}
            style={{ marginBottom: 12 }}
          />
          <Table
            size="small"
            rowKey="key"
            pagination={false}
            scroll={{ x: 760 }}
            dataSource={l.columns}
            data-testid="import-layout"
            tableLayout="fixed"
            columns={[
              {
                title: t("columns.header"),
                key: "h",
                width: 230,
                render: (_, c) => (
                  <span>
                    <Typography.Text code>{c.headers.zh}</Typography.Text> <Typography.Text code>{c.headers.en}</Typography.Text>
                  </span>
                ),
              },
              {
                title: t("columns.required"),
                dataIndex: "required",
                width: 72,
                render: (r: boolean) => (r ? <Tag color="red">{t("template.yes")}</Tag> : <Tag>{t("template.no")}</Tag>),
              },
              { title: t("columns.description"), dataIndex: "description" },
              { title: t("columns.example"), dataIndex: "example", width: 120, responsive: ["md"] },
            ]}
          />
        </Card>
      )}

      <Card title={t("page.recent")} size="small">
        <Table
          size="small"
          rowKey="id"
          loading={jobs.isFetching}
          dataSource={jobs.data ?? []}
          pagination={false}
          scroll={{ x: "max-content" }}
          data-testid="import-jobs"
          onRow={(r) => ({ onClick: () => setJobId(r.id), style: { cursor: "pointer" } })}
          columns={[
            {
              title: t("page.when"),
              dataIndex: "createdAt",
              render: (d: Date) => format.dateTime(new Date(d), { dateStyle: "short", timeStyle: "short" }),
            },
            { title: t("page.chooseKind"), dataIndex: "kind", render: (k: string) => t(`kinds.${k as GroupKey<"imports.kinds">}`) },
            { title: t("page.fileName"), dataIndex: "fileName", responsive: ["sm"] },
            {
              title: t("page.result"),
              key: "r",
              render: (_, r) =>
                r.status === "done" ? (
                  t("page.resultDone", { inserted: r.inserted, updated: r.updated, unchanged: r.unchanged })
                ) : r.status === "failed" ? (
                  <Typography.Text type="danger">{t("page.resultFailed", { count: r.errorCount })}</Typography.Text>
                ) : (
                  <Tag color="blue">{t(`status.${r.status}`)}</Tag>
                ),
            },
            { title: t("page.by"), dataIndex: "createdByName", responsive: ["md"] },
          ]}
        />
      </Card>
    </Space>
  );
}
