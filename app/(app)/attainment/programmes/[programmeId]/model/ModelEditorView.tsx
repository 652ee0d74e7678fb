"use client";
import { DeleteOutlined, PlusOutlined, SaveOutlined } from "@ant-design/icons";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Collapse,
  Empty,
  Grid,
  Input,
  InputNumber,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
} from "antd";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { useEffect, useMemo, useState, type ReactNode } from "react";
import type { OutcomeModel } from "@/server/attainment/model";
import type { Strength } from "@/server/attainment/compute";
import { useTRPC } from "../../../../../_components/trpc";

// The programme's outcome model written in the app (server/attainment/model.ts saveModelDraft):
// the working version is edited here as a whole and saved as the programme's next version, a
// draft; the quality office approves it once it passes every check. The server checks
// everything again; nothing here is trusted.

const STRENGTHS: Strength[] = ["H", "M", "L"];
const METHODS: OutcomeModel["method"][] = ["item_ratio", "weighted_marks"];
const AGGREGATES: OutcomeModel["courseAggregate"][] = ["min", "weighted_mean"];
const EMPTY: OutcomeModel = {
  trainingObjectives: [],
  requirements: [],
  courseObjectives: [],
  support: [],
  requirementObjectives: [],
  strengthValues: { H: 3, M: 2, L: 1 },
  threshold: 0.7,
  method: "item_ratio",
  courseAggregate: "min",
  alpha: null,
};

type Problem = { message: string };
const problemsOf = (details: unknown): Problem[] =>
  Array.isArray(details)
    ? details.filter((d): d is Problem => typeof d === "object" && d !== null && typeof (d as Problem).message === "string")
    : [];

const coKey = (course: string, code: string) => `${course}\u0000${code}`;

function ProblemList({ items }: { items: Problem[] }) {
  return items.length ? (
    <ul style={{ margin: 0, paddingInlineStart: 20 }}>
      {items.map((p, i) => (
        <li key={i}>{p.message}</li>
      ))}
    </ul>
  ) : null;
}

/** A row of small inputs that wraps on a phone. */
function Row({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <Space wrap size={[6, 6]} style={{ width: "100%" }} data-testid={testId}>
      {children}
    </Space>
  );
}

export function ModelEditorView({ programmeId, canApprove }: { programmeId: number; canApprove: boolean }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const t = useTranslations("attainment.editor");
  const p = useTranslations("attainment.page");
  const a = useTranslations("attainment");
  const screens = Grid.useBreakpoint();
  const wide = screens.md ?? false;
  const q = useQuery(trpc.attainment.modelEditor.queryOptions({ programmeId }));
  const [model, setModel] = useState<OutcomeModel>(EMPTY);
  const [cohorts, setCohorts] = useState<number[]>([]);
  const [dirty, setDirty] = useState(false);
  const [note, setNote] = useState("");
  const working = q.data?.working ?? null;
  useEffect(() => {
    if (!q.data || dirty) return;
    setModel(q.data.working?.model ?? EMPTY);
    setCohorts(q.data.working?.cohorts ?? []);
  }, [q.data, dirty]);
  const refresh = () => qc.invalidateQueries({ queryKey: trpc.attainment.modelEditor.queryKey() });
  const save = useMutation(
    trpc.attainment.saveModel.mutationOptions({
      onSuccess: async () => {
        setDirty(false);
        await refresh();
      },
    }),
  );
  const approve = useMutation(
    trpc.attainment.approveModel.mutationOptions({
      onSuccess: async () => {
        setNote("");
        await refresh();
      },
    }),
  );
  const edit = (f: (m: OutcomeModel) => OutcomeModel) => {
    setModel((m) => f(m));
    setDirty(true);
    save.reset();
    approve.reset();
  };

  const points = useMemo(() => model.requirements.flatMap((r) => r.points.map((x) => ({ requirement: r.code, ...x }))), [model]);
  const strengthOf = useMemo(() => {
    const m = new Map<string, Strength>();
    for (const l of model.support) m.set(`${coKey(l.course, l.objective)}\u0000${l.point}`, l.strength);
    return m;
  }, [model.support]);
  const setStrength = (course: string, objective: string, point: string, strength: Strength | null) =>
    edit((m) => {
      const rest = m.support.filter((l) => !(l.course === course && l.objective === objective && l.point === point));
      return { ...m, support: strength ? [...rest, { course, objective, point, strength }] : rest };
    });
  const courses = useMemo(() => [...new Set(model.courseObjectives.map((o) => o.course))], [model.courseObjectives]);

  // Renaming a code carries its links along, so a rename never leaves a link behind.
  const renamePoint = (from: string, to: string) =>
    edit((m) => ({
      ...m,
      requirements: m.requirements.map((r) => ({ ...r, points: r.points.map((x) => (x.code === from ? { ...x, code: to } : x)) })),
      support: m.support.map((l) => (l.point === from ? { ...l, point: to } : l)),
    }));
  const renameRequirement = (from: string, to: string) =>
    edit((m) => ({
      ...m,
      requirements: m.requirements.map((r) => (r.code === from ? { ...r, code: to } : r)),
      requirementObjectives: m.requirementObjectives.map((l) => (l.requirement === from ? { ...l, requirement: to } : l)),
    }));
  const renameObjective = (from: string, to: string) =>
    edit((m) => ({
      ...m,
      trainingObjectives: m.trainingObjectives.map((o) => (o.code === from ? { ...o, code: to } : o)),
      requirementObjectives: m.requirementObjectives.map((l) => (l.objective === from ? { ...l, objective: to } : l)),
    }));
  const renameCourseObjective = (i: number, patch: { course?: string; code?: string }) =>
    edit((m) => {
      const old = m.courseObjectives[i];
      if (!old) return m;
      const next = { ...old, ...patch };
      return {
        ...m,
        courseObjectives: m.courseObjectives.map((o, j) => (j === i ? next : o)),
        support: m.support.map((l) =>
          l.course === old.course && l.objective === old.code ? { ...l, course: next.course, objective: next.code } : l,
        ),
      };
    });

  const saveError = save.error;
  const saveProblems = problemsOf(saveError?.data?.details);
  const approveProblems = problemsOf(approve.error?.data?.details);

  const settings = (
    <Space orientation="vertical" style={{ width: "100%" }} data-testid="editor-settings">
      <Row>
        <span>{t("threshold")}</span>
        <InputNumber
          min={0.01}
          max={1}
          step={0.05}
          value={model.threshold}
          onChange={(v) => v !== null && edit((m) => ({ ...m, threshold: v }))}
          data-testid="threshold"
        />
      </Row>
      <Row>
        <span>{t("strengthValues")}</span>
        {STRENGTHS.map((s) => (
          <Space.Compact key={s}>
            <Button disabled>{s}</Button>
            <InputNumber
              min={0.1}
              max={100}
              style={{ width: 72 }}
              value={model.strengthValues[s]}
              onChange={(v) => v !== null && edit((m) => ({ ...m, strengthValues: { ...m.strengthValues, [s]: v } }))}
            />
          </Space.Compact>
        ))}
      </Row>
      <Row>
        <span>{t("method")}</span>
        <Select
          style={{ minWidth: 200 }}
          value={model.method}
          options={METHODS.map((x) => ({ value: x, label: a(`methods.${x}`) }))}
          onChange={(v) => edit((m) => ({ ...m, method: v }))}
        />
      </Row>
      <Row>
        <span>{t("courseAggregate")}</span>
        <Select
          style={{ minWidth: 200 }}
          value={model.courseAggregate}
          options={AGGREGATES.map((x) => ({ value: x, label: t(`aggregates.${x}`) }))}
          onChange={(v) => edit((m) => ({ ...m, courseAggregate: v }))}
        />
      </Row>
      <Row>
        <span>{t("alpha")}</span>
        <InputNumber
          min={0}
          max={1}
          step={0.1}
          placeholder={t("alphaNone")}
          value={model.alpha}
          onChange={(v) => edit((m) => ({ ...m, alpha: v }))}
        />
      </Row>
      <Row>
        <span>{t("cohorts")}</span>
        <Select
          mode="tags"
          style={{ minWidth: 240 }}
          value={cohorts.map(String)}
          onChange={(v: string[]) => {
            setCohorts([...new Set(v.map(Number).filter((y) => Number.isInteger(y) && y >= 1990 && y <= 2100))]);
            setDirty(true);
          }}
        />
      </Row>
    </Space>
  );

  const objectives = (
    <Space orientation="vertical" style={{ width: "100%" }} data-testid="editor-training-objectives">
      {model.trainingObjectives.map((o, i) => (
        <Row key={i}>
          <Input style={{ width: 90 }} value={o.code} placeholder={t("code")} onChange={(e) => renameObjective(o.code, e.target.value)} />
          <Input
            style={{ width: wide ? 520 : 220 }}
            value={o.title ?? ""}
            placeholder={t("name")}
            onChange={(e) =>
              edit((m) => ({
                ...m,
                trainingObjectives: m.trainingObjectives.map((x, j) => (j === i ? { ...x, title: e.target.value } : x)),
              }))
            }
          />
          <Button
            icon={<DeleteOutlined />}
            aria-label={t("remove")}
            onClick={() =>
              edit((m) => ({
                ...m,
                trainingObjectives: m.trainingObjectives.filter((_, j) => j !== i),
                requirementObjectives: m.requirementObjectives.filter((l) => l.objective !== o.code),
              }))
            }
          />
        </Row>
      ))}
      <Button
        icon={<PlusOutlined />}
        onClick={() =>
          edit((m) => ({
            ...m,
            trainingObjectives: [...m.trainingObjectives, { code: `PO${m.trainingObjectives.length + 1}`, title: "" }],
          }))
        }
      >
        {t("addTrainingObjective")}
      </Button>
    </Space>
  );

  const requirements = (
    <Space orientation="vertical" style={{ width: "100%" }} data-testid="editor-requirements">
      {model.requirements.map((r, i) => (
        <Card key={i} size="small" data-testid={`requirement-${r.code}`}>
          <Row>
            <Input
              style={{ width: 90 }}
              value={r.code}
              placeholder={t("code")}
              onChange={(e) => renameRequirement(r.code, e.target.value)}
            />
            <Input
              style={{ width: wide ? 420 : 200 }}
              value={r.title ?? ""}
              placeholder={t("name")}
              onChange={(e) =>
                edit((m) => ({ ...m, requirements: m.requirements.map((x, j) => (j === i ? { ...x, title: e.target.value } : x)) }))
              }
            />
            <Button
              icon={<DeleteOutlined />}
              aria-label={t("remove")}
              onClick={() =>
                edit((m) => {
                  const gone = new Set(r.points.map((x) => x.code));
                  return {
                    ...m,
                    requirements: m.requirements.filter((_, j) => j !== i),
                    support: m.support.filter((l) => !gone.has(l.point)),
                    requirementObjectives: m.requirementObjectives.filter((l) => l.requirement !== r.code),
                  };
                })
              }
            />
          </Row>
          <div style={{ paddingInlineStart: wide ? 24 : 8, marginTop: 8 }}>
            <Space orientation="vertical" style={{ width: "100%" }}>
              {r.points.map((x, k) => (
                <Row key={k} testId={`point-${x.code}`}>
                  <Input
                    style={{ width: 80 }}
                    value={x.code}
                    placeholder={t("pointCode")}
                    onChange={(e) => renamePoint(x.code, e.target.value)}
                    data-testid="point-code"
                  />
                  <Input
                    style={{ width: wide ? 420 : 190 }}
                    value={x.title ?? ""}
                    placeholder={t("name")}
                    onChange={(e) =>
                      edit((m) => ({
                        ...m,
                        requirements: m.requirements.map((y, j) =>
                          j === i ? { ...y, points: y.points.map((z, l) => (l === k ? { ...z, title: e.target.value } : z)) } : y,
                        ),
                      }))
                    }
                    data-testid="point-title"
                  />
                  <Button
                    icon={<DeleteOutlined />}
                    aria-label={t("remove")}
                    onClick={() =>
                      edit((m) => ({
                        ...m,
                        requirements: m.requirements.map((y, j) => (j === i ? { ...y, points: y.points.filter((_, l) => l !== k) } : y)),
                        support: m.support.filter((l) => l.point !== x.code),
                      }))
                    }
                  />
                </Row>
              ))}
              <Button
                size="small"
                icon={<PlusOutlined />}
                data-testid={`add-point-${r.code}`}
                onClick={() =>
                  edit((m) => ({
                    ...m,
                    requirements: m.requirements.map((y, j) => {
                      if (j !== i) return y;
                      const n = i + 1;
                      let k = y.points.length + 1;
                      while (points.some((z) => z.code === `${n}.${k}`)) k++;
                      return { ...y, points: [...y.points, { code: `${n}.${k}`, title: "" }] };
                    }),
                  }))
                }
              >
                {t("addPoint")}
              </Button>
            </Space>
          </div>
        </Card>
      ))}
      <Button
        icon={<PlusOutlined />}
        onClick={() =>
          edit((m) => ({ ...m, requirements: [...m.requirements, { code: `GR${m.requirements.length + 1}`, title: "", points: [] }] }))
        }
      >
        {t("addRequirement")}
      </Button>
    </Space>
  );

  const courseObjectives = (
    <Space orientation="vertical" style={{ width: "100%" }} data-testid="editor-course-objectives">
      {model.courseObjectives.map((o, i) => (
        <Row key={i}>
          <Input
            style={{ width: 100 }}
            value={o.course}
            placeholder={t("course")}
            onChange={(e) => renameCourseObjective(i, { course: e.target.value })}
          />
          <Input
            style={{ width: 80 }}
            value={o.code}
            placeholder={t("code")}
            onChange={(e) => renameCourseObjective(i, { code: e.target.value })}
          />
          <Input
            style={{ width: wide ? 400 : 180 }}
            value={o.title ?? ""}
            placeholder={t("name")}
            onChange={(e) =>
              edit((m) => ({ ...m, courseObjectives: m.courseObjectives.map((x, j) => (j === i ? { ...x, title: e.target.value } : x)) }))
            }
          />
          <Button
            icon={<DeleteOutlined />}
            aria-label={t("remove")}
            onClick={() =>
              edit((m) => ({
                ...m,
                courseObjectives: m.courseObjectives.filter((_, j) => j !== i),
                support: m.support.filter((l) => !(l.course === o.course && l.objective === o.code)),
              }))
            }
          />
        </Row>
      ))}
      <Button
        icon={<PlusOutlined />}
        onClick={() =>
          edit((m) => {
            const course = m.courseObjectives.at(-1)?.course ?? "";
            const n = m.courseObjectives.filter((o) => o.course === course).length + 1;
            return { ...m, courseObjectives: [...m.courseObjectives, { course, code: `CO${n}`, title: "" }] };
          })
        }
      >
        {t("addCourseObjective")}
      </Button>
    </Space>
  );

  const strengthSelect = (course: string, objective: string, point: string) => (
    <Select<Strength | "">
      size="small"
      style={{ width: 64 }}
      value={strengthOf.get(`${coKey(course, objective)}\u0000${point}`) ?? ""}
      options={[{ value: "", label: "·" }, ...STRENGTHS.map((s) => ({ value: s, label: s }))]}
      onChange={(v) => setStrength(course, objective, point, v === "" ? null : v)}
      aria-label={`${course} ${objective} → ${point}`}
      data-testid={`cell-${course}-${objective}-${point}`}
    />
  );

  // The support matrix: a grid (course objectives × points) on a wide screen; on a phone a list
  // per course, each objective with every point it may support.
  const support =
    !model.courseObjectives.length || !points.length ? (
      <Empty description={t("matrixEmpty")} />
    ) : wide ? (
      <Table
        size="small"
        pagination={false}
        bordered
        data-testid="support-matrix"
        rowKey={(o) => coKey(o.course, o.code)}
        dataSource={model.courseObjectives}
        scroll={{ x: "max-content", y: 520 }}
        columns={[
          {
            title: t("courseObjective"),
            fixed: "left",
            width: 170,
            render: (_, o) => (
              <span title={o.title}>
                {o.course} {o.code}
              </span>
            ),
          },
          ...points.map((x) => ({
            title: <span title={x.title}>{x.code}</span>,
            key: x.code,
            width: 76,
            render: (_: unknown, o: OutcomeModel["courseObjectives"][number]) => strengthSelect(o.course, o.code, x.code),
          })),
        ]}
      />
    ) : (
      <Collapse
        data-testid="support-matrix"
        items={courses.map((c) => ({
          key: c,
          label: `${c} · ${t("linkCount", { n: model.support.filter((l) => l.course === c).length })}`,
          children: (
            <Space orientation="vertical" style={{ width: "100%" }}>
              {model.courseObjectives
                .filter((o) => o.course === c)
                .map((o) => (
                  <div key={o.code}>
                    <Typography.Text strong>
                      {o.code} {o.title}
                    </Typography.Text>
                    <div style={{ display: "grid", gridTemplateColumns: "repeat(auto-fill, minmax(100px, 1fr))", gap: 6, marginTop: 4 }}>
                      {points.map((x) => (
                        <Space key={x.code} size={4}>
                          <span style={{ minWidth: 30, display: "inline-block" }}>{x.code}</span>
                          {strengthSelect(c, o.code, x.code)}
                        </Space>
                      ))}
                    </div>
                  </div>
                ))}
            </Space>
          ),
        }))}
      />
    );

  const linked = (r: string, o: string) => model.requirementObjectives.some((l) => l.requirement === r && l.objective === o);
  const toggle = (r: string, o: string, on: boolean) =>
    edit((m) => ({
      ...m,
      requirementObjectives: on
        ? [...m.requirementObjectives, { requirement: r, objective: o }]
        : m.requirementObjectives.filter((l) => !(l.requirement === r && l.objective === o)),
    }));
  const objectiveMatrix =
    !model.requirements.length || !model.trainingObjectives.length ? (
      <Empty description={t("objectiveMatrixEmpty")} />
    ) : (
      <Table
        size="small"
        pagination={false}
        bordered
        data-testid="objective-matrix"
        rowKey="code"
        dataSource={model.requirements}
        scroll={{ x: "max-content" }}
        columns={[
          { title: t("requirement"), fixed: "left", render: (_, r) => <span title={r.title}>{r.code}</span> },
          ...model.trainingObjectives.map((o) => ({
            title: <span title={o.title}>{o.code}</span>,
            key: o.code,
            align: "center" as const,
            render: (_: unknown, r: OutcomeModel["requirements"][number]) => (
              <Checkbox
                checked={linked(r.code, o.code)}
                onChange={(e) => toggle(r.code, o.code, e.target.checked)}
                aria-label={`${r.code} → ${o.code}`}
              />
            ),
          })),
        ]}
      />
    );

  const d = q.data;
  const problems = working?.problems ?? [];
  return (
    <Space orientation="vertical" style={{ width: "100%" }} size="middle" data-testid="model-editor">
      <div>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t("title")}
        </Typography.Title>
        <Space wrap size={[8, 4]}>
          <Link href={`/attainment/programmes/${programmeId}`}>{t("back")}</Link>
          {working ? (
            <span data-testid="working-version">
              {p("version", { version: working.version })}{" "}
              <Tag color={working.status === "approved" ? "green" : "blue"}>{t(`status.${working.status}`)}</Tag>
            </span>
          ) : (
            d && <Typography.Text type="secondary">{t("noVersion")}</Typography.Text>
          )}
        </Space>
      </div>
      {q.error && <Alert type="error" title={q.error.message} />}
      {working?.status === "approved" && (
        <Alert
          type="info"
          showIcon
          title={working.hasResults ? t("approvedWithResults") : t("approvedNote")}
          data-testid="versioning-note"
        />
      )}
      {d && (
        <Card size="small">
          <Space wrap>
            <Button
              type="primary"
              icon={<SaveOutlined />}
              disabled={!dirty}
              loading={save.isPending}
              data-testid="save-model"
              onClick={() => save.mutate({ programmeId, baseId: working?.id ?? null, cohorts, model })}
            >
              {t("save")}
            </Button>
            {dirty && <Typography.Text type="warning">{t("unsaved")}</Typography.Text>}
            {save.data && !dirty && (
              <Typography.Text type="success" data-testid="save-outcome">
                {save.data.status === "unchanged"
                  ? t("unchanged", { version: save.data.version })
                  : t("savedAs", { version: save.data.version, replaced: save.data.replaced ?? 0 })}
              </Typography.Text>
            )}
          </Space>
          {saveError && (
            <Alert
              style={{ marginTop: 8 }}
              type="error"
              title={saveError.message}
              description={<ProblemList items={saveProblems} />}
              data-testid="save-error"
            />
          )}
        </Card>
      )}
      {working?.status === "draft" && (
        <Card size="small" title={t("approval")} data-testid="approval">
          {problems.length > 0 && !dirty && (
            <Alert
              type="warning"
              title={t("problemsBefore", { count: problems.length })}
              description={<ProblemList items={problems} />}
              data-testid="draft-problems"
            />
          )}
          {canApprove ? (
            <Space.Compact style={{ marginTop: 8, width: "100%", maxWidth: 520 }}>
              <Input
                placeholder={p("note")}
                value={note}
                onChange={(e) => setNote(e.target.value)}
                maxLength={2000}
                data-testid="approval-note"
              />
              <Button
                type="primary"
                disabled={dirty}
                loading={approve.isPending}
                onClick={() => approve.mutate({ modelId: working.id, note })}
                data-testid="approve-model"
              >
                {p("approve")}
              </Button>
            </Space.Compact>
          ) : (
            <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
              {t("approvedByQuality")}
            </Typography.Paragraph>
          )}
          {approve.error && (
            <Alert
              style={{ marginTop: 8 }}
              type="error"
              title={approve.error.message}
              description={<ProblemList items={approveProblems} />}
              data-testid="approve-error"
            />
          )}
        </Card>
      )}
      {d && (
        <Tabs
          items={[
            { key: "requirements", label: t("tabs.requirements"), children: requirements },
            { key: "support", label: t("tabs.support"), children: support },
            { key: "courseObjectives", label: t("tabs.courseObjectives"), children: courseObjectives },
            { key: "trainingObjectives", label: t("tabs.trainingObjectives"), children: objectives },
            { key: "objectiveMatrix", label: t("tabs.objectiveMatrix"), children: objectiveMatrix },
            { key: "settings", label: t("tabs.settings"), children: settings },
          ]}
        />
      )}
      {d && (
        <Card size="small" title={t("versions")} data-testid="editor-versions">
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={d.versions}
            scroll={{ x: "max-content" }}
            columns={[
              { title: p("model"), render: (_, v) => p("version", { version: v.version }) },
              {
                title: t("statusTitle"),
                render: (_, v) => (
                  <Tag color={v.status === "approved" ? "green" : v.status === "draft" ? "blue" : "default"}>{t(`status.${v.status}`)}</Tag>
                ),
              },
              { title: t("runs"), render: (_, v) => v.runs },
              { title: t("createdBy"), responsive: ["sm"], render: (_, v) => v.createdByName ?? "" },
              { title: p("note"), responsive: ["md"], render: (_, v) => v.approvalNote ?? "" },
            ]}
          />
        </Card>
      )}
    </Space>
  );
}
