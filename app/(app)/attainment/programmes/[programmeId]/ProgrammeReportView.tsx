"use client";
import { DownloadOutlined, ReloadOutlined, UploadOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Card, Col, Input, Row, Select, Space, Table, Tag, Typography, Upload } from "antd";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { useMemo, useState } from "react";
import { requirementsRadarOption, trendOption } from "@/server/shared/attainment/charts";
import { EChart } from "../../../../_components/EChart";
import { useTRPC } from "../../../../_components/trpc";

type UploadOutcome = {
  ok: boolean;
  text: string;
  issues: { file: string; row: number; column: string | null; message: string }[];
};

/** A button whose long label wraps on a phone instead of widening the page. */
const WRAPPING = { whiteSpace: "normal", height: "auto", textAlign: "start" } as const;

export function ProgrammeReportView({ programmeId, canEdit }: { programmeId: number; canEdit: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const t = useTranslations("attainment.page");
  const r = useTranslations("attainment.report");
  const a = useTranslations("attainment");
  const e = useTranslations("attainment.editor");
  const [year, setYear] = useState<string | undefined>(undefined);
  const q = useQuery(trpc.attainment.programme.queryOptions({ programmeId, schoolYear: year }));
  const compute = useMutation(
    trpc.attainment.compute.mutationOptions({ onSuccess: () => qc.invalidateQueries({ queryKey: trpc.attainment.programme.queryKey() }) }),
  );
  const [selected, setSelected] = useState<string | null>(null);
  const approve = useMutation(
    trpc.attainment.approveModel.mutationOptions({
      onSuccess: () => qc.invalidateQueries({ queryKey: trpc.attainment.programme.queryKey() }),
    }),
  );
  const [note, setNote] = useState("");
  const [modelFiles, setModelFiles] = useState<{ requirements?: File; support?: File }>({});
  const [modelOutcome, setModelOutcome] = useState<UploadOutcome | null>(null);
  /** What an upload of the model or of the survey mapping answered: the version made, or the refusal. */
  async function uploadOutcome(res: Response): Promise<UploadOutcome> {
    const json: unknown = await res.json();
    if (res.ok) {
      const made = json as { version: number; status: string };
      return { ok: true, text: `${t("version", { version: made.version })} ${made.status}`, issues: [] };
    }
    const failed = json as { error: string; details?: UploadOutcome["issues"] };
    return { ok: false, text: failed.error, issues: Array.isArray(failed.details) ? failed.details : [] };
  }
  async function uploadModel() {
    if (!modelFiles.requirements || !modelFiles.support) return;
    const body = new FormData();
    body.set("programmeId", String(programmeId));
    body.set("requirements", modelFiles.requirements);
    body.set("support", modelFiles.support);
    const res = await fetch("/api/attainment/model", { method: "POST", body });
    setModelOutcome(await uploadOutcome(res));
    if (res.ok) await qc.invalidateQueries({ queryKey: trpc.attainment.programme.queryKey() });
  }
  const [mappingFile, setMappingFile] = useState<File | undefined>(undefined);
  async function uploadMapping() {
    if (!mappingFile) return;
    const body = new FormData();
    body.set("programmeId", String(programmeId));
    body.set("surveyMapping", mappingFile);
    const res = await fetch("/api/attainment/survey-mapping", { method: "POST", body });
    setModelOutcome(await uploadOutcome(res));
    if (res.ok) await qc.invalidateQueries({ queryKey: trpc.attainment.programme.queryKey() });
  }
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
  const d = q.data;
  const result = d?.run?.result;
  const indirect = result?.indirect;
  const indirectOf = useMemo(() => new Map((indirect?.requirements ?? []).map((x) => [x.requirement, x])), [indirect]);
  const radar = useMemo(
    () =>
      requirementsRadarOption(
        (result?.requirements ?? []).map((x) => ({
          code: x.requirement,
          direct: x.attainment,
          indirect: indirectOf.get(x.requirement)?.indirect?.value ?? null,
        })),
        d?.model.threshold ?? 0.7,
        labels,
      ),
    [result, indirectOf, d?.model.threshold, labels],
  );
  const trend = useMemo(
    () => trendOption(d?.trend ?? [], d?.model.threshold ?? 0.7, labels, (y) => r("cohortOf", { year: y.slice(5) })),
    [d?.trend, d?.model.threshold, labels, r],
  );
  const objectiveTitles = new Map((d?.model.trainingObjectives ?? []).map((x) => [x.code, x.title ?? ""]));
  const itemTitles = new Map((d?.model.surveyMapping ?? []).map((x) => [`${x.source}:${x.item}`, x.title ?? x.item]));
  const withheld = Object.values(indirect?.withheld ?? {}).reduce((a, b) => a + (b ?? 0), 0);
  const valueN = (v: { value: number; n: number } | null | undefined) =>
    v ? (
      <span>
        {v.value.toFixed(3)}{" "}
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t("n", { n: v.n })}
        </Typography.Text>
      </span>
    ) : (
      "—"
    );
  const titles = new Map((d?.model.requirements ?? []).map((x) => [x.code, x.title ?? ""]));
  const pointTitles = new Map((d?.model.requirements ?? []).flatMap((x) => x.points.map((p) => [p.code, p.title ?? ""] as const)));
  const objectiveItems = new Map((result?.objectives ?? []).map((o) => [`${o.course} ${o.objective}`, o]));
  const sectionsOf = (course: string) => (d?.sections ?? []).filter((s) => s.course === course);
  const req = selected ? result?.requirements.find((x) => x.requirement === selected) : null;
  const reqIndirect = req ? indirectOf.get(req.requirement)?.indirect : undefined;
  /** The year a compute would be for: the one shown, when the reader may compute. */
  const computeYear = d?.canCompute ? d.year : null;
  const points = selected ? (result?.points ?? []).filter((p) => p.requirement === selected) : [];

  return (
    <Space orientation="vertical" style={{ width: "100%" }} size="middle">
      <div>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {r("programmeTitle")}
        </Typography.Title>
        {d && (
          <Typography.Text type="secondary">
            {d.programme.code} {d.programme.name} · {t("model")} {t("version", { version: d.model.version })} · {r("threshold")}{" "}
            {d.model.threshold}
          </Typography.Text>
        )}
      </div>
      {q.error && <Alert type="error" title={q.error.message} />}
      {d && (
        <Space wrap>
          <Select
            style={{ minWidth: 140 }}
            value={d.year ?? undefined}
            onChange={setYear}
            options={d.years.map((y) => ({ value: y, label: y }))}
            aria-label={t("year")}
          />
          <Button
            icon={<DownloadOutlined />}
            href={`/api/attainment/report?programme=${programmeId}${d.year ? `&year=${d.year}` : ""}`}
            data-testid="programme-docx"
          >
            {t("download")}
          </Button>
          {computeYear && (
            <Button
              data-testid="programme-compute"
              icon={<ReloadOutlined />}
              loading={compute.isPending}
              onClick={() => compute.mutate({ modelId: d.model.id, schoolYear: computeYear })}
            >
              {t("compute")}
            </Button>
          )}
          {compute.error && <Typography.Text type="danger">{compute.error.message}</Typography.Text>}
          {d.run && (
            <Typography.Text type="secondary" data-testid="run-version">
              {t("computedUnder", { version: d.versions.find((v) => v.id === d.run?.modelId)?.version ?? "?" })}
            </Typography.Text>
          )}
        </Space>
      )}
      {d && !result && <Alert type="info" title={t("noRun")} />}
      {result && (
        <Row gutter={[16, 16]}>
          <Col xs={24} lg={11}>
            <Card size="small" title={t("radar")}>
              <EChart option={radar} height={380} testid="requirements-radar" />
            </Card>
          </Col>
          <Col xs={24} lg={13}>
            <Card size="small" title={r("requirements")}>
              <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
                {t("drill")}
              </Typography.Paragraph>
              <Table
                size="small"
                rowKey="requirement"
                pagination={false}
                dataSource={result.requirements}
                data-testid="requirements-table"
                scroll={{ x: "max-content" }}
                onRow={(x) => ({ onClick: () => setSelected(x.requirement), style: { cursor: "pointer" } })}
                rowClassName={(x) => (x.requirement === selected ? "ant-table-row-selected" : "")}
                columns={[
                  {
                    title: r("requirement"),
                    render: (_, x) => (
                      <a data-testid={`req-${x.requirement}`}>
                        {x.requirement} {titles.get(x.requirement)}
                      </a>
                    ),
                  },
                  { title: indirect ? r("direct") : r("attainment"), render: (_, x) => <b>{x.attainment.toFixed(3)}</b> },
                  ...(indirect
                    ? [
                        {
                          title: r("indirect"),
                          key: "indirect",
                          render: (_: unknown, x: { requirement: string }) => valueN(indirectOf.get(x.requirement)?.indirect),
                        },
                      ]
                    : []),
                  ...(indirect && indirect.alpha !== null
                    ? [
                        {
                          title: r("blended", { alpha: indirect.alpha }),
                          key: "blended",
                          render: (_: unknown, x: { requirement: string }) => {
                            const b = indirectOf.get(x.requirement)?.blended;
                            return b === null || b === undefined ? "—" : b.toFixed(3);
                          },
                        },
                      ]
                    : []),
                  { title: r("weakestPoint"), dataIndex: "weakestPoint", responsive: ["md"] },
                  {
                    title: r("verdict"),
                    render: (_, x) => <Tag color={x.attained ? "green" : "red"}>{x.attained ? r("attained") : r("notAttained")}</Tag>,
                  },
                ]}
              />
            </Card>
          </Col>
        </Row>
      )}
      {d && d.trend.length > 0 && (
        <Card size="small" title={r("trend")}>
          <EChart option={trend} height={300} testid="requirements-trend" />
        </Card>
      )}
      {indirect && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {r("indirectNote", { withheld })}
        </Typography.Text>
      )}
      {req && (
        <Card
          size="small"
          title={`${req.requirement} ${titles.get(req.requirement)} · ${req.attainment.toFixed(3)}`}
          data-testid="requirement-detail"
        >
          {reqIndirect && (
            <div style={{ marginBottom: 12 }}>
              <Typography.Text strong>
                {r("indirectItems")} · {valueN(reqIndirect)}
              </Typography.Text>
              <Table
                size="small"
                pagination={false}
                rowKey={(i) => `${i.source}:${i.item}`}
                dataSource={reqIndirect.items}
                scroll={{ x: true }}
                data-testid="indirect-items"
                columns={[
                  { title: r("source"), render: (_, i) => r(`sources.${i.source}`) },
                  { title: r("surveyItem"), render: (_, i) => itemTitles.get(`${i.source}:${i.item}`) ?? i.item },
                  { title: r("indirect"), render: (_, i) => valueN(i) },
                ]}
              />
            </div>
          )}
          {points.map((p) => (
            <div key={p.point} style={{ marginBottom: 12 }}>
              <Typography.Text strong>
                {r("point")} {p.point} · {p.attainment.toFixed(3)}
              </Typography.Text>{" "}
              <Typography.Text type="secondary">{pointTitles.get(p.point)}</Typography.Text>
              <Table
                size="small"
                pagination={false}
                rowKey={(c) => `${c.course} ${c.objective}`}
                dataSource={p.contributions}
                scroll={{ x: true }}
                expandable={{
                  expandedRowRender: (c) => (
                    <Table
                      size="small"
                      pagination={false}
                      rowKey="item"
                      dataSource={objectiveItems.get(`${c.course} ${c.objective}`)?.items ?? []}
                      data-testid="objective-items"
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
                  { title: r("objective"), render: (_, c) => `${c.course} ${c.objective}` },
                  { title: "H/M/L", dataIndex: "strength" },
                  { title: r("attainment"), render: (_, c) => c.attainment.toFixed(3) },
                  {
                    title: r("students"),
                    responsive: ["sm"],
                    render: (_, c) => t("n", { n: objectiveItems.get(`${c.course} ${c.objective}`)?.students ?? 0 }),
                  },
                  {
                    title: t("courseReport"),
                    responsive: ["sm"],
                    render: (_, c) =>
                      sectionsOf(c.course).map((s) => (
                        <Link key={s.id} href={`/attainment/sections/${s.id}`} style={{ marginRight: 8 }}>
                          {s.code}
                        </Link>
                      )),
                  },
                ]}
              />
            </div>
          ))}
        </Card>
      )}
      {indirect && indirect.objectives.length > 0 && (
        <Card size="small" title={r("trainingObjectives")} data-testid="training-objectives">
          <Table
            size="small"
            rowKey="objective"
            pagination={false}
            dataSource={indirect.objectives}
            scroll={{ x: true }}
            columns={[
              {
                title: r("trainingObjective"),
                render: (_, o) => (
                  <span>
                    <b>{o.objective}</b> <Typography.Text type="secondary">{objectiveTitles.get(o.objective)}</Typography.Text>
                  </span>
                ),
              },
              { title: r("directViaMatrix"), render: (_, o) => (o.direct === null ? "—" : o.direct.toFixed(3)) },
              { title: r("indirect"), render: (_, o) => valueN(o.indirect) },
            ]}
          />
        </Card>
      )}
      {result && (
        <Card size="small" title={r("shortfalls")}>
          <Table
            size="small"
            rowKey={(s) => `${s.level}:${s.course ?? ""}:${s.code}`}
            dataSource={d.shortfalls}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            data-testid="shortfalls"
            scroll={{ x: "max-content" }}
            locale={{ emptyText: r("noShortfalls") }}
            columns={[
              { title: r("level"), render: (_, s) => r(`levels.${s.level}`) },
              { title: r("what"), render: (_, s) => (s.course ? `${s.course} ${s.code}` : s.code) },
              { title: r("attainment"), render: (_, s) => s.attainment.toFixed(3) },
              {
                title: d.nextYear ? `${r("nextYear")} ${d.nextYear}` : r("nextYear"),
                render: (_, s) =>
                  s.next === null ? (
                    "—"
                  ) : (
                    <span>
                      {s.next.toFixed(3)}{" "}
                      <Tag color={s.recovered ? "green" : "red"}>{s.recovered ? t("recovered") : t("notRecovered")}</Tag>
                    </span>
                  ),
              },
              {
                title: r("order"),
                render: (_, s) =>
                  s.order ? (
                    <Link href={`/improvement/${s.order.id}`} data-testid={`order-${s.order.id}`}>
                      #{s.order.id}
                    </Link>
                  ) : (
                    "—"
                  ),
              },
            ]}
          />
        </Card>
      )}
      {d && (
        <Card
          size="small"
          title={t("model")}
          data-testid="model-versions"
          extra={
            canEdit ? (
              <Link href={`/attainment/programmes/${programmeId}/model`} data-testid="edit-model">
                {e("edit")}
              </Link>
            ) : null
          }
        >
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={d.versions}
            scroll={{ x: "max-content" }}
            columns={[
              { title: t("model"), render: (_, v) => t("version", { version: v.version }) },
              {
                title: r("verdict"),
                render: (_, v) => (
                  <Tag color={v.status === "approved" ? "green" : v.status === "draft" ? "blue" : "default"}>{e(`status.${v.status}`)}</Tag>
                ),
              },
              { title: "", responsive: ["sm"], render: (_, v) => v.approvalNote ?? "" },
              {
                title: "",
                render: (_, v) =>
                  v.status === "draft" ? (
                    <Space.Compact>
                      <Input size="small" placeholder={t("note")} value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} />
                      <Button size="small" onClick={() => approve.mutate({ modelId: v.id, note })} loading={approve.isPending}>
                        {t("approve")}
                      </Button>
                    </Space.Compact>
                  ) : null,
              },
            ]}
          />
          {approve.error && (
            <Alert
              type="error"
              title={approve.error.message}
              description={
                Array.isArray(approve.error.data?.details) ? (
                  <ul style={{ margin: 0 }}>
                    {(approve.error.data.details as { message?: unknown }[]).map((i, k) => (
                      <li key={k}>{String(i.message ?? "")}</li>
                    ))}
                  </ul>
                ) : undefined
              }
            />
          )}
          <Space wrap style={{ marginTop: 8 }}>
            <Upload
              accept=".csv,.xlsx"
              maxCount={1}
              beforeUpload={(f) => {
                setModelFiles((x) => ({ ...x, requirements: f }));
                return false;
              }}
              onRemove={() => setModelFiles((x) => ({ ...x, requirements: undefined }))}
            >
              <Button size="small" icon={<UploadOutlined />} style={WRAPPING}>
                {t("requirementsFile")}
              </Button>
            </Upload>
            <Upload
              accept=".csv,.xlsx"
              maxCount={1}
              beforeUpload={(f) => {
                setModelFiles((x) => ({ ...x, support: f }));
                return false;
              }}
              onRemove={() => setModelFiles((x) => ({ ...x, support: undefined }))}
            >
              <Button size="small" icon={<UploadOutlined />} style={WRAPPING}>
                {t("supportFile")}
              </Button>
            </Upload>
            <Button size="small" type="primary" disabled={!modelFiles.requirements || !modelFiles.support} onClick={uploadModel}>
              {t("upload")}
            </Button>
          </Space>
          <Space wrap style={{ marginTop: 8 }} data-testid="survey-mapping-upload">
            <Upload
              accept=".csv,.xlsx"
              maxCount={1}
              beforeUpload={(f) => {
                setMappingFile(f);
                return false;
              }}
              onRemove={() => setMappingFile(undefined)}
            >
              <Button size="small" icon={<UploadOutlined />} style={WRAPPING}>
                {t("surveyMappingFile")}
              </Button>
            </Upload>
            <Button size="small" type="primary" disabled={!mappingFile} onClick={uploadMapping} style={WRAPPING}>
              {t("uploadSurveyMapping")}
            </Button>
          </Space>
          <Space wrap size={[4, 4]} style={{ marginTop: 8 }} data-testid="model-templates">
            <Typography.Text type="secondary">{t("templates")}:</Typography.Text>
            {(["requirements", "support", "surveyMapping"] as const).map((f) => (
              <Space.Compact key={f}>
                <Button size="small" icon={<DownloadOutlined />} href={`/api/attainment/template?file=${f}&format=xlsx`} style={WRAPPING}>
                  {a(`files.${f}`)} XLSX
                </Button>
                <Button size="small" href={`/api/attainment/template?file=${f}&format=csv`}>
                  CSV
                </Button>
              </Space.Compact>
            ))}
          </Space>
          {modelOutcome && (
            <Alert
              style={{ marginTop: 8 }}
              type={modelOutcome.ok ? "success" : "error"}
              title={modelOutcome.text}
              description={
                modelOutcome.issues.length ? (
                  <ul style={{ margin: 0 }}>
                    {modelOutcome.issues.map((i) => (
                      <li key={`${i.file}:${i.row}:${i.column}:${i.message}`}>{i.message}</li>
                    ))}
                  </ul>
                ) : undefined
              }
            />
          )}
        </Card>
      )}
    </Space>
  );
}
