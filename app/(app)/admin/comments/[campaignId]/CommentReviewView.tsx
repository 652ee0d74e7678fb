"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, App, Button, Card, Checkbox, Input, Modal, Pagination, Select, Space, Spin, Table, Tag, Typography } from "antd";
import { useLocale, useTranslations } from "next-intl";
import { Fragment, useCallback, useEffect, useMemo, useState, type ReactNode } from "react";
import { useTRPC } from "../../../../_components/trpc";
import { useLocalName } from "../../../../_components/localName";
import type { CommentMark, CommentDecision, MarkKind } from "@/server/comments/review";
import { BackLink } from "../../../../_components/BackLink";

type Decidable = "released" | "private" | "hidden" | "escalated";
const DECISION_COLOR: Record<CommentDecision, string> = {
  pending: "default",
  released: "green",
  private: "blue",
  hidden: "red",
  escalated: "purple",
};
const MARK_COLOR: Record<MarkKind, string> = { phone: "#ffd591", student_number: "#ffe58f", name: "#adc6ff", abuse: "#ffa39e" };
const KEYS: Record<string, Decidable> = { r: "released", p: "private", h: "hidden", f: "escalated" };
const PAGE_SIZE = 50;

/** The text with its marks highlighted (overlapping marks: the first wins). */
function Marked({ text, marks, label }: { text: string; marks: CommentMark[]; label: (k: MarkKind) => string }) {
  const parts: ReactNode[] = [];
  let at = 0;
  for (const m of marks) {
    if (m.start < at) continue;
    if (m.start > at) parts.push(text.slice(at, m.start));
    parts.push(
      <mark
        key={m.start}
        title={label(m.kind)}
        data-mark={m.kind}
        style={{ background: MARK_COLOR[m.kind], padding: "0 2px", borderRadius: 2 }}
      >
        {text.slice(m.start, m.end)}
      </mark>,
    );
    at = m.end;
  }
  parts.push(text.slice(at));
  return (
    <>
      {parts.map((p, i) => (
        <Fragment key={i}>{p}</Fragment>
      ))}
    </>
  );
}

export function CommentReviewView({ campaignId }: { campaignId: number }) {
  const t = useTranslations("comments");
  const cn = useLocalName();
  const locale = useLocale();
  const trpc = useTRPC();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [unitId, setUnitId] = useState<number | undefined>();
  const [courseId, setCourseId] = useState<number | undefined>();
  const [mark, setMark] = useState<MarkKind | "any" | "none" | undefined>();
  const [decision, setDecision] = useState<CommentDecision | undefined>("pending");
  const [page, setPage] = useState(1);
  const [focus, setFocus] = useState(0);
  const [selected, setSelected] = useState<string[]>([]);
  const [editing, setEditing] = useState<{ id: string; text: string } | null>(null);
  const [historyOf, setHistoryOf] = useState<string | null>(null);

  const filters = useQuery(trpc.comments.filters.queryOptions({ campaignId }));
  const input = { campaignId, unitId, courseId, mark, decision, page, pageSize: PAGE_SIZE };
  const list = useQuery(trpc.comments.list.queryOptions(input));
  const history = useQuery({
    ...trpc.comments.history.queryOptions({ campaignId, id: historyOf ?? "00000000-0000-0000-0000-000000000000" }),
    enabled: !!historyOf,
  });
  const items = useMemo(() => list.data?.items ?? [], [list.data]);
  const decide = useMutation(
    trpc.comments.decide.mutationOptions({
      onSuccess: (r) => {
        void message.success(t("list.decided", { n: r.decided, decision: t(`decisions.${r.decision}`) }));
        setSelected([]);
        setEditing(null);
        void qc.invalidateQueries({ queryKey: trpc.comments.pathKey() });
      },
      onError: (e) => {
        void message.error(e.message);
      },
    }),
  );

  const reset = () => {
    setPage(1);
    setFocus(0);
    setSelected([]);
  };
  const run = useCallback(
    (d: Decidable, ids: string[], text?: string) => {
      if (ids.length && !decide.isPending) decide.mutate({ campaignId, ids, decision: d, ...(text !== undefined ? { text } : {}) });
    },
    [campaignId, decide],
  );
  const targets = useCallback(() => (selected.length ? selected : items[focus] ? [items[focus].id] : []), [selected, items, focus]);

  useEffect(() => {
    if (focus >= items.length && items.length) setFocus(items.length - 1);
  }, [items.length, focus]);
  useEffect(() => {
    document.querySelector(`[data-comment-index="${focus}"]`)?.scrollIntoView({ block: "nearest" });
  }, [focus]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (editing || historyOf || e.ctrlKey || e.metaKey || e.altKey) return;
      // typing in a field is not a shortcut; a ticked checkbox keeps the focus but takes no text
      // (select two with the mouse, then p keeps them private)
      const el = e.target as HTMLElement | null;
      const typing =
        el &&
        ((el.tagName === "INPUT" && !["checkbox", "radio"].includes((el as HTMLInputElement).type)) ||
          el.tagName === "TEXTAREA" ||
          el.isContentEditable);
      if (typing) return;
      const k = e.key.toLowerCase();
      const item = items[focus];
      if (k === "j") setFocus((f) => Math.min(items.length - 1, f + 1));
      else if (k === "k") setFocus((f) => Math.max(0, f - 1));
      else if (k === "x" && item) setSelected((s) => (s.includes(item.id) ? s.filter((x) => x !== item.id) : [...s, item.id]));
      else if (k === "e" && item) setEditing({ id: item.id, text: item.edited ?? item.original });
      else if (KEYS[k]) run(KEYS[k], targets());
      else return;
      e.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [items, focus, editing, historyOf, run, targets]);

  const counts = list.data?.counts;
  const review = filters.data?.review;
  const markLabel = (k: MarkKind) => t(`marks.${k}`);
  const decisionButtons = (ids: () => string[], size: "small" | "middle" = "small") => (
    <Space wrap size={4}>
      {(["released", "private", "hidden", "escalated"] as const).map((d) => (
        <Button
          key={d}
          size={size}
          danger={d === "hidden"}
          data-testid={`do-${d}`}
          disabled={decide.isPending}
          onClick={() => run(d, ids())}
        >
          {t(`actions.${d}`)}
        </Button>
      ))}
    </Space>
  );

  return (
    <Space orientation="vertical" size={12} style={{ width: "100%" }}>
      <BackLink href={"/admin/comments"}>{t("list.back")}</BackLink>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t("title")}：{filters.data?.campaign.name}
      </Typography.Title>
      {review && (
        <Typography.Text data-testid="review-state">
          {t("list.state", {
            state: t(`campaigns.reviewState.${review.state}`),
            pending: review.counts.pending,
            total: review.counts.total,
          })}
        </Typography.Text>
      )}
      {filters.error && <Alert type="error" showIcon title={filters.error.message} />}
      <Card size="small">
        <Space wrap>
          <Select
            allowClear
            placeholder={t("filters.unit")}
            style={{ minWidth: 180 }}
            value={unitId}
            data-testid="filter-unit"
            onChange={(v: number | undefined) => {
              setUnitId(v);
              reset();
            }}
            options={(filters.data?.units ?? []).map((u) => ({ value: u.id, label: cn(u.name, u.nameEn) }))}
          />
          <Select
            allowClear
            showSearch={{ optionFilterProp: "label" }}
            placeholder={t("filters.course")}
            style={{ minWidth: 220 }}
            value={courseId}
            data-testid="filter-course"
            onChange={(v: number | undefined) => {
              setCourseId(v);
              reset();
            }}
            options={(filters.data?.courses ?? []).map((c) => ({ value: c.id, label: `${c.code} ${cn(c.name, c.nameEn)}` }))}
          />
          <Select
            allowClear
            placeholder={t("filters.mark")}
            style={{ minWidth: 140 }}
            value={mark}
            data-testid="filter-mark"
            onChange={(v: MarkKind | "any" | "none" | undefined) => {
              setMark(v);
              reset();
            }}
            options={(["any", "none", "phone", "student_number", "name", "abuse"] as const).map((k) => ({
              value: k,
              label: t(`marks.${k}`),
            }))}
          />
          <Select
            allowClear
            placeholder={t("filters.decision")}
            style={{ minWidth: 160 }}
            value={decision}
            data-testid="filter-decision"
            onChange={(v: CommentDecision | undefined) => {
              setDecision(v);
              reset();
            }}
            options={(["pending", "released", "private", "hidden", "escalated"] as const).map((d) => ({
              value: d,
              label: `${t(`decisions.${d}`)}${counts ? ` (${counts[d]})` : ""}`,
            }))}
          />
        </Space>
        <Typography.Paragraph type="secondary" style={{ margin: "8px 0 0", fontSize: 12 }}>
          {t("list.shortcuts")} · {t("list.minRaters", { n: list.data?.minRaters ?? 5 })}
        </Typography.Paragraph>
      </Card>
      <Card size="small" data-testid="bulk-bar">
        <Space wrap>
          <Checkbox
            data-testid="select-page"
            checked={items.length > 0 && selected.length === items.length}
            indeterminate={selected.length > 0 && selected.length < items.length}
            onChange={(e) => setSelected(e.target.checked ? items.map((i) => i.id) : [])}
          >
            {t("list.selectPage")}
          </Checkbox>
          <Typography.Text data-testid="selected-count">{t("list.selected", { n: selected.length })}</Typography.Text>
          {selected.length > 0 && (
            <>
              <Typography.Text type="secondary">{t("list.bulk")}</Typography.Text>
              {decisionButtons(() => selected)}
            </>
          )}
        </Space>
      </Card>
      {list.error && <Alert type="error" showIcon title={list.error.message} />}
      {list.isLoading ? (
        <Card>
          <Spin />
        </Card>
      ) : items.length === 0 ? (
        <Card>
          <Typography.Text type="secondary">{t("list.empty")}</Typography.Text>
        </Card>
      ) : (
        <Space orientation="vertical" size={8} style={{ width: "100%" }} data-testid="comment-list">
          {items.map((c, i) => {
            const title = c.questionTitle ? (locale === "en" ? c.questionTitle.en : c.questionTitle.zh) : c.question;
            const where = c.courseCode
              ? `${c.courseCode} ${cn(c.courseName, c.courseNameEn)} · ${c.sectionCode ?? ""} · ${c.teacherName ?? ""}`
              : (c.subjectName ?? "");
            return (
              <Card
                key={c.id}
                size="small"
                data-testid="comment"
                data-comment-index={i}
                data-decision={c.decision}
                onClick={() => setFocus(i)}
                style={{
                  borderColor: i === focus ? "#1677ff" : undefined,
                  boxShadow: i === focus ? "0 0 0 2px rgba(22,119,255,.2)" : undefined,
                }}
              >
                <Space align="start" style={{ width: "100%" }}>
                  <Checkbox
                    checked={selected.includes(c.id)}
                    data-testid="select"
                    onChange={(e) => setSelected((s) => (e.target.checked ? [...s, c.id] : s.filter((x) => x !== c.id)))}
                  />
                  <div style={{ flex: 1, minWidth: 0 }}>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {where} · {title}
                    </Typography.Text>
                    <div data-testid="comment-text" style={{ fontSize: 15, margin: "4px 0", wordBreak: "break-word" }}>
                      <Marked text={c.original} marks={c.marks} label={markLabel} />
                    </div>
                    {c.edited !== null && (
                      <div data-testid="comment-edited" style={{ fontSize: 13, color: "#389e0d" }}>
                        {t("list.edited")}：{c.edited}
                      </div>
                    )}
                    <Space wrap size={4} style={{ marginTop: 4 }}>
                      <Tag color={DECISION_COLOR[c.decision]} data-testid="decision">
                        {t(`decisions.${c.decision}`)}
                      </Tag>
                      {[...new Set(c.marks.map((m) => m.kind))].map((k) => (
                        <Tag key={k} color="orange">
                          {markLabel(k)}
                        </Tag>
                      ))}
                      {decisionButtons(() => [c.id])}
                      <Button size="small" data-testid="do-edit" onClick={() => setEditing({ id: c.id, text: c.edited ?? c.original })}>
                        {t("actions.edit")}
                      </Button>
                      <Button size="small" type="link" onClick={() => setHistoryOf(c.id)}>
                        {t("actions.history")}
                      </Button>
                    </Space>
                  </div>
                </Space>
              </Card>
            );
          })}
        </Space>
      )}
      <Pagination
        current={page}
        pageSize={PAGE_SIZE}
        total={list.data?.total ?? 0}
        showSizeChanger={false}
        size="small"
        onChange={(p) => {
          setPage(p);
          setFocus(0);
          setSelected([]);
        }}
      />
      <Modal
        open={!!editing}
        title={t("actions.edit")}
        onCancel={() => setEditing(null)}
        destroyOnHidden
        footer={[
          <Button key="c" onClick={() => setEditing(null)}>
            {t("actions.cancel")}
          </Button>,
          <Button key="p" data-testid="save-private" onClick={() => editing && run("private", [editing.id], editing.text)}>
            {t("actions.savePrivate")}
          </Button>,
          <Button key="r" type="primary" data-testid="save-release" onClick={() => editing && run("released", [editing.id], editing.text)}>
            {t("actions.saveRelease")}
          </Button>,
        ]}
      >
        <Input.TextArea
          data-testid="edit-text"
          autoFocus
          autoSize={{ minRows: 3, maxRows: 10 }}
          maxLength={4000}
          value={editing?.text}
          onChange={(e) => setEditing((x) => x && { ...x, text: e.target.value })}
        />
      </Modal>
      <Modal open={!!historyOf} title={t("history.title")} onCancel={() => setHistoryOf(null)} footer={null} width={720}>
        <Table
          size="small"
          rowKey={(r) => `${r.at.toString()}${r.decision}`}
          loading={history.isLoading}
          dataSource={history.data ?? []}
          pagination={false}
          locale={{ emptyText: t("history.empty") }}
          scroll={{ x: "max-content" }}
          columns={[
            {
              title: t("history.at"),
              dataIndex: "at",
              render: (d: Date) => new Date(d).toLocaleString(locale === "en" ? "en-GB" : "zh-CN", { timeZone: "Asia/Shanghai" }),
            },
            { title: t("history.who"), dataIndex: "actor" },
            { title: t("history.decision"), dataIndex: "decision", render: (d: CommentDecision) => t(`decisions.${d}`) },
            { title: t("history.text"), dataIndex: "text", render: (x: string | null) => x ?? "—" },
            { title: t("history.order"), dataIndex: "order_id", render: (x: number | null) => (x ? `#${x}` : "—") },
          ]}
        />
      </Modal>
    </Space>
  );
}
