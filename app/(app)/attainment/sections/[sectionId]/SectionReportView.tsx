"use client";
import { DownloadOutlined, UploadOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Card, Col, Input, Row, Space, Table, Tag, Typography, Upload } from "antd";
import { useTranslations } from "next-intl";
import { useEffect, useMemo, useState } from "react";
import { distributionOption, objectivesBarOption } from "@/server/shared/attainment/charts";
import { EChart } from "../../../../_components/EChart";
import { useTRPC } from "../../../../_components/trpc";
import type { GroupKey } from "@/server/i18n/messages";
import { at } from "@/server/shared/indexed";

type Issue = { file: string; row: number; column: string | null; message: string };

/** A button whose long label wraps on a phone instead of widening the page. */
const WRAPPING = { whiteSpace: "normal", height: "auto", textAlign: "start" } as const;

export function SectionReportView({ sectionId }: { sectionId: number }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const t = useTranslations("attainment.page");
  const r = useTranslations("attainment.report");
  const tf = useTranslations("attainment.files");
  const q = useQuery(trpc.attainment.section.queryOptions({ sectionId }));
  const [files, setFiles] = useState<{ assessments?: File; scores?: File }>({});
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: true; text: string } | { ok: false; text: string; issues: Issue[] } | null>(null);
  const [notes, setNotes] = useState({ analysis: "", measures: "" });
  useEffect(() => {
    if (q.data) setNotes(q.data.notes);
  }, [q.data]);
  const save = useMutation(trpc.attainment.saveNotes.mutationOptions());

  const labels = useMemo(
    () => ({
      attainment: r("attainment"),
      threshold: r("threshold"),
      students: r("students"),
      direct: r("direct"),
      indirect: r("indirect"),
    }),
    [r],
  );
  const result = q.data?.result;
  const threshold = q.data?.params.threshold ?? 0.7;
  const bar = useMemo(
    () =>
      objectivesBarOption(
        (result?.objectives ?? []).map((o) => ({ label: o.objective, value: o.attainment })),
        threshold,
        labels,
      ),
    [result, threshold, labels],
  );
  const dist = useMemo(
    () =>
      distributionOption(
        (result?.objectives ?? []).map((o) => ({ label: o.objective, values: o.studentValues })),
        labels,
      ),
    [result, labels],
  );

  async function upload() {
    if (!files.assessments || !files.scores) return;
    setBusy(true);
    setOutcome(null);
    try {
      const body = new FormData();
      body.set("sectionId", String(sectionId));
      body.set("assessments", files.assessments);
      body.set("scores", files.scores);
      const res = await fetch("/api/attainment/gradebook", { method: "POST", body });
      const json: unknown = await res.json();
      if (res.ok) {
        const done = json as { items: number; scores: number };
        setOutcome({ ok: true, text: t("imported", { items: done.items, scores: done.scores }) });
        await qc.invalidateQueries({ queryKey: trpc.attainment.section.queryKey({ sectionId }) });
      } else {
        const failed = json as { error: string; details?: Issue[] };
        setOutcome({ ok: false, text: failed.error, issues: Array.isArray(failed.details) ? failed.details : [] });
      }
    } finally {
      setBusy(false);
    }
  }

  const s = q.data?.section;
  return (
    <Space orientation="vertical" style={{ width: "100%" }} size="middle">
      <div>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {r("courseTitle")}
        </Typography.Title>
        {s && (
          <Typography.Text type="secondary">
            {s.courseCode} {s.courseName} · {s.code} · {s.termCode}
          </Typography.Text>
        )}
      </div>
      {q.error && <Alert type="error" title={q.error.message} />}
      <Card size="small" title={t("gradebook")}>
        <Space orientation="vertical" style={{ width: "100%" }}>
          <Space wrap>
            <Upload
              accept=".csv,.xlsx"
              maxCount={1}
              beforeUpload={(f) => {
                setFiles((x) => ({ ...x, assessments: f }));
                return false;
              }}
              onRemove={() => setFiles((x) => ({ ...x, assessments: undefined }))}
            >
              <Button icon={<UploadOutlined />} data-testid="pick-assessments" style={WRAPPING}>
                {t("assessmentsFile")}
              </Button>
            </Upload>
            <Upload
              accept=".csv,.xlsx"
              maxCount={1}
              beforeUpload={(f) => {
                setFiles((x) => ({ ...x, scores: f }));
                return false;
              }}
              onRemove={() => setFiles((x) => ({ ...x, scores: undefined }))}
            >
              <Button icon={<UploadOutlined />} data-testid="pick-scores" style={WRAPPING}>
                {t("scoresFile")}
              </Button>
            </Upload>
          </Space>
          <Button
            type="primary"
            loading={busy}
            disabled={!files.assessments || !files.scores}
            onClick={upload}
            data-testid="gradebook-upload"
          >
            {t("upload")}
          </Button>
          {outcome?.ok && <Alert type="success" title={outcome.text} data-testid="gradebook-ok" />}
          {outcome && !outcome.ok && (
            <Alert
              type="error"
              title={outcome.text}
              data-testid="gradebook-refused"
              description={
                <Table
                  size="small"
                  rowKey={(i) => `${i.file}:${i.row}:${i.column}:${i.message}`}
                  pagination={false}
                  dataSource={outcome.issues}
                  data-testid="gradebook-issues"
                  scroll={{ x: "max-content" }}
                  columns={[
                    { title: t("file"), render: (_, i) => tf(i.file as GroupKey<"attainment.files">) },
                    { title: t("row"), dataIndex: "row" },
                    { title: t("column"), dataIndex: "column" },
                    { title: t("reason"), dataIndex: "message" },
                  ]}
                />
              }
            />
          )}
        </Space>
      </Card>
      {result ? (
        <>
          <Card
            size="small"
            title={r("objectives")}
            extra={
              <Button icon={<DownloadOutlined />} href={`/api/attainment/report?section=${sectionId}`} data-testid="section-docx">
                {t("download")}
              </Button>
            }
          >
            <Typography.Paragraph type="secondary">
              {r("courseValue", { value: at(result.courses, 0).attainment.toFixed(3), weakest: at(result.courses, 0).weakestObjective })}
            </Typography.Paragraph>
            <EChart option={bar} testid="objectives-chart" />
            <Table
              size="small"
              rowKey="objective"
              pagination={false}
              dataSource={result.objectives}
              data-testid="objectives-table"
              scroll={{ x: true }}
              expandable={{
                expandedRowRender: (o) => (
                  <Table
                    size="small"
                    rowKey="item"
                    pagination={false}
                    dataSource={o.items}
                    columns={[
                      { title: r("item"), dataIndex: "item" },
                      { title: r("fullMarks"), dataIndex: "fullMarks" },
                      { title: r("weight"), dataIndex: "weight" },
                      { title: r("mean"), dataIndex: "mean", render: (v: number) => v.toFixed(2) },
                      { title: r("ratio"), dataIndex: "ratio", render: (v: number) => v.toFixed(3) },
                    ]}
                  />
                ),
              }}
              columns={[
                {
                  title: r("objective"),
                  render: (_, o) => (
                    <span>
                      {o.objective} <Typography.Text type="secondary">{q.data?.objectiveTitles[o.objective] ?? ""}</Typography.Text>
                    </span>
                  ),
                },
                { title: r("attainment"), render: (_, o) => <b>{o.attainment.toFixed(3)}</b> },
                { title: r("students"), render: (_, o) => t("n", { n: o.students }) },
                { title: r("share"), responsive: ["sm"], render: (_, o) => `${(o.shareAtThreshold * 100).toFixed(1)}%` },
                { title: r("quartiles"), responsive: ["md"], render: (_, o) => o.quartiles.map((v) => v.toFixed(2)).join(" / ") },
                {
                  title: r("verdict"),
                  render: (_, o) => <Tag color={o.attained ? "green" : "red"}>{o.attained ? r("attained") : r("notAttained")}</Tag>,
                },
              ]}
            />
          </Card>
          <Card size="small" title={r("distribution")}>
            <EChart option={dist} height={280} testid="distribution-chart" />
          </Card>
        </>
      ) : (
        q.data && <Alert type="info" title={r("noData")} />
      )}
      <Card size="small" title={`${r("analysis")} · ${r("measures")}`}>
        <Row gutter={[12, 12]}>
          <Col xs={24} md={12}>
            <Typography.Text strong>{r("analysis")}</Typography.Text>
            <Input.TextArea
              rows={4}
              maxLength={5000}
              value={notes.analysis}
              onChange={(e) => setNotes({ ...notes, analysis: e.target.value })}
              data-testid="notes-analysis"
            />
          </Col>
          <Col xs={24} md={12}>
            <Typography.Text strong>{r("measures")}</Typography.Text>
            <Input.TextArea
              rows={4}
              maxLength={5000}
              value={notes.measures}
              onChange={(e) => setNotes({ ...notes, measures: e.target.value })}
              data-testid="notes-measures"
            />
          </Col>
        </Row>
        <Space style={{ marginTop: 8 }}>
          <Button onClick={() => save.mutate({ sectionId, ...notes })} loading={save.isPending}>
            {t("save")}
          </Button>
          {save.isSuccess && <Tag color="green">{t("saved")}</Tag>}
          {save.error && <Typography.Text type="danger">{save.error.message}</Typography.Text>}
        </Space>
      </Card>
    </Space>
  );
}
