"use client";
import { useQuery } from "@tanstack/react-query";
import { Button, Card, List, Space, Tag, Typography } from "antd";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { useTRPC } from "../_components/trpc";
import { useLocalName } from "../_components/localName";
import type { GroupKey } from "@/server/i18n/messages";

/** An observer's class observations in open campaigns (named records). */
export function ObservationTasks() {
  const t = useTranslations("respond.observe");
  const cn = useLocalName();
  const trpc = useTRPC();
  const q = useQuery(trpc.respond.observations.queryOptions());
  if (!q.data?.length) return null;
  const done = q.data.filter((x) => x.done).length;
  return (
    <Card
      title={t("title")}
      extra={
        <Tag>
          {done}/{q.data.length}
        </Tag>
      }
      data-testid="observation-tasks"
    >
      <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
        {t("named")}
      </Typography.Paragraph>
      <List
        dataSource={q.data}
        renderItem={(x) => (
          <List.Item
            actions={
              x.done
                ? undefined
                : [
                    <Link key="go" href={`/observe/${x.assignmentId}`}>
                      <Button type="primary" size="small">
                        {t("go")}
                      </Button>
                    </Link>,
                  ]
            }
          >
            <List.Item.Meta
              title={
                <Space wrap size={[8, 0]}>
                  <span>{cn(x.courseName, x.courseNameEn)}</span>
                  <Tag color={x.done ? "green" : "blue"}>{x.done ? t("done") : t("todo")}</Tag>
                </Space>
              }
              description={
                <Space wrap size={[12, 0]}>
                  <span>{x.teacherName}</span>
                  <span>{x.sectionCode}</span>
                  <span>{t(`groups.${x.raterGroup as GroupKey<"respond.observe.groups">}`)}</span>
                  {x.plannedOn && <span>{t("planned", { date: x.plannedOn })}</span>}
                </Space>
              }
            />
          </List.Item>
        )}
      />
    </Card>
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
  const cn = useLocalName();
  const trpc = useTRPC();
  const q = useQuery(trpc.respond.selfEvaluations.queryOptions());
  if (!q.data?.length) return null;
  const done = q.data.filter((x) => x.done).length;
  return (
    <Card
      title={t("title")}
      extra={
        <Tag>
          {done}/{q.data.length}
        </Tag>
      }
      data-testid="self-evaluations"
    >
      <List
        dataSource={q.data}
        renderItem={(x) => (
          <List.Item
            actions={
              x.done
                ? undefined
                : [
                    <Link key="go" href={`/self/${x.targetId}`}>
                      <Button type="primary" size="small">
                        {t("go")}
                      </Button>
                    </Link>,
                  ]
            }
          >
            <List.Item.Meta
              title={
                <Space wrap size={[8, 0]}>
                  <span>{cn(x.courseName, x.courseNameEn)}</span>
                  <Tag color={x.done ? "green" : "blue"}>{x.done ? t("done") : t("todo")}</Tag>
                </Space>
              }
              description={
                <Space wrap size={[12, 0]}>
                  <span>{x.sectionCode}</span>
                  <span>{x.campaignName}</span>
                </Space>
              }
            />
          </List.Item>
        )}
      />
    </Card>
  );
}
