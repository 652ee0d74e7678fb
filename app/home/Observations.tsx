"use client";
import { useQuery } from "@tanstack/react-query";
import { Button, Card, List, Space, Tag, Typography } from "antd";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { useTRPC } from "../_components/trpc";
import { useLocalName } from "../_components/localName";
import type { ReactNode } from "react";
import type { GroupKey } from "@/server/i18n/messages";

/** One task of a list: a course section to answer for, done or still to do. */
type Task = { key: string | number; href: string; courseName: string; courseNameEn: string | null; done: boolean; details: ReactNode[] };

/**
 * A card of tasks (observations to record, self-evaluations to write): done of all in its
 * corner, each task with its state and, while not done, a button to it.
 */
function TaskCard(p: { title: string; testId: string; intro?: string; labels: { go: string; done: string; todo: string }; tasks: Task[] }) {
  const cn = useLocalName();
  const done = p.tasks.filter((x) => x.done).length;
  return (
    <Card
      title={p.title}
      extra={
        <Tag>
          {done}/{p.tasks.length}
        </Tag>
      }
      data-testid={p.testId}
    >
      {p.intro && (
        <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
          {p.intro}
        </Typography.Paragraph>
      )}
      <List
        dataSource={p.tasks}
        rowKey="key"
        renderItem={(x) => (
          <List.Item
            actions={
              x.done
                ? undefined
                : [
                    <Link key="go" href={x.href}>
                      <Button type="primary" size="small">
                        {p.labels.go}
                      </Button>
                    </Link>,
                  ]
            }
          >
            <List.Item.Meta
              title={
                <Space wrap size={[8, 0]}>
                  <span>{cn(x.courseName, x.courseNameEn)}</span>
                  <Tag color={x.done ? "green" : "blue"}>{x.done ? p.labels.done : p.labels.todo}</Tag>
                </Space>
              }
              description={
                <Space wrap size={[12, 0]}>
                  {x.details.map((d, i) => (
                    <span key={i}>{d}</span>
                  ))}
                </Space>
              }
            />
          </List.Item>
        )}
      />
    </Card>
  );
}

/** An observer's class observations in open campaigns (named records). */
export function ObservationTasks() {
  const t = useTranslations("respond.observe");
  const trpc = useTRPC();
  const q = useQuery(trpc.respond.observations.queryOptions());
  if (!q.data?.length) return null;
  return (
    <TaskCard
      title={t("title")}
      testId="observation-tasks"
      intro={t("named")}
      labels={{ go: t("go"), done: t("done"), todo: t("todo") }}
      tasks={q.data.map((x) => ({
        key: x.assignmentId,
        href: `/observe/${x.assignmentId}`,
        courseName: x.courseName,
        courseNameEn: x.courseNameEn,
        done: x.done,
        details: [
          x.teacherName,
          x.sectionCode,
          t(`groups.${x.raterGroup as GroupKey<"respond.observe.groups">}`),
          ...(x.plannedOn ? [t("planned", { date: x.plannedOn })] : []),
        ],
      }))}
    />
  );
}

/** A teacher's observed classes: observers named only where the campaign allows it. */
export function ObservedMe() {
  const t = useTranslations("respond.observe");
  const cn = useLocalName();
  const trpc = useTRPC();
  const q = useQuery(trpc.me.observedMe.queryOptions());
  if (!q.data?.length) return null;
  return (
    <Card title={t("mine")} extra={<Tag>{q.data.length}</Tag>}>
      <List
        dataSource={q.data}
        renderItem={(r) => (
          <List.Item>
            <List.Item.Meta
              title={`${cn(r.courseName, r.courseNameEn)} · ${t("observedOn")} ${r.observedOn}`}
              description={
                <Space wrap size={[12, 0]}>
                  <span>{t(`groups.${r.raterGroup as GroupKey<"respond.observe.groups">}`)}</span>
                  <span>
                    {t("observer")}：{r.observer ?? t("anonymousObserver")}
                  </span>
                  <span>{r.campaign}</span>
                </Space>
              }
            />
          </List.Item>
        )}
      />
    </Card>
  );
}

/** A teacher's self-evaluations in open campaigns. */
export function SelfEvaluations() {
  const t = useTranslations("respond.self");
  const trpc = useTRPC();
  const q = useQuery(trpc.respond.selfEvaluations.queryOptions());
  if (!q.data?.length) return null;
  return (
    <TaskCard
      title={t("title")}
      testId="self-evaluations"
      labels={{ go: t("go"), done: t("done"), todo: t("todo") }}
      tasks={q.data.map((x) => ({
        key: x.targetId,
        href: `/self/${x.targetId}`,
        courseName: x.courseName,
        courseNameEn: x.courseNameEn,
        done: x.done,
        details: [x.sectionCode, x.campaignName],
      }))}
    />
  );
}
