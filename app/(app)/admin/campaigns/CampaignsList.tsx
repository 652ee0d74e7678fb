"use client";
import { PlusOutlined } from "@ant-design/icons";
import { useQuery } from "@tanstack/react-query";
import { Button, Card, Select, Space, Table, Tag, Typography } from "antd";
import { useFormatter, useMessages, useTranslations } from "next-intl";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useTRPC } from "../../../_components/trpc";
import { RateBar, StateTag, useLocalName, useMobile, useWhen, type CampaignsOut } from "./_components/shared";
import { keysOf } from "@/server/shared/i18n/keys";

type Row = CampaignsOut["list"][number];

export function CampaignsList() {
  const trpc = useTRPC();
  const t = useTranslations("campaigns");
  const format = useFormatter();
  const when = useWhen();
  const name = useLocalName();
  const messages = useMessages();
  const sp = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const state = sp.get("state") ?? undefined;
  const kind = sp.get("kind") ?? undefined;
  const setFilter = (k: "state" | "kind", v: string | undefined) => {
    const next = new URLSearchParams(sp.toString());
    if (v) next.set(k, v);
    else next.delete(k);
    router.replace(`${pathname}?${next.toString()}`, { scroll: false });
  };
  const list = useQuery(trpc.campaigns.list.queryOptions());
  const rows = (list.data ?? []).filter((c) => (!state || c.state === state) && (!kind || c.kind === kind));
  const mobile = useMobile();
  const scope = (c: Row) =>
    [c.scopeUnitId === null ? t("admin.fields.wholeSchool") : name(c.scopeUnitName, c.scopeUnitNameEn), c.termCode]
      .filter(Boolean)
      .join(" · ");

  return (
    <Card
      title={
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t("admin.list.title")}
        </Typography.Title>
      }
      styles={{ body: { paddingTop: 12 } }}
      extra={
        <Link href="/admin/campaigns/new">
          <Button type="primary" icon={<PlusOutlined />} data-testid="new-campaign">
            {t("admin.list.new")}
          </Button>
        </Link>
      }
    >
      <Typography.Paragraph type="secondary">{t("admin.list.intro")}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select
          allowClear
          placeholder={t("admin.list.allStates")}
          style={{ minWidth: 130 }}
          value={state}
          onChange={(v) => setFilter("state", v)}
          options={keysOf(messages.campaigns.states).map((s) => ({ value: s, label: t(`states.${s}`) }))}
          data-testid="state-filter"
        />
        <Select
          allowClear
          placeholder={t("admin.list.allKinds")}
          style={{ minWidth: 200, maxWidth: "100%" }}
          value={kind}
          onChange={(v) => setFilter("kind", v)}
          options={keysOf(messages.campaigns.kinds).map((k) => ({ value: k, label: t(`kinds.${k}`) }))}
          data-testid="kind-filter"
        />
      </Space>
      {list.error && <Typography.Text type="danger">{list.error.message}</Typography.Text>}
      <Table<Row>
        data-testid="campaigns-table"
        rowKey="id"
        size="middle"
        loading={list.isFetching}
        dataSource={rows}
        scroll={{ x: "max-content" }}
        locale={{ emptyText: t("admin.list.empty") }}
        pagination={{ pageSize: 20, hideOnSinglePage: true, size: "small" }}
        columns={[
          {
            title: t("admin.fields.name"),
            key: "name",
            render: (_, c) => (
              <div style={{ minWidth: 140, maxWidth: mobile ? "calc(100vw - 90px)" : 300, whiteSpace: "normal" }}>
                <Link href={`/admin/campaigns/${c.id}`} data-testid="campaign-link">
                  {c.name}
                </Link>
                <div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t(`kinds.${c.kind}`)}
                  </Typography.Text>
                  {!c.manage && (
                    <Tag style={{ marginInlineStart: 6 }} data-testid="follow-tag">
                      {t("admin.list.follow")}
                    </Tag>
                  )}
                </div>
                {mobile && (
                  <Space orientation="vertical" size={4} style={{ marginTop: 6, width: "100%" }}>
                    <Space size={4} wrap>
                      <StateTag state={c.state} />
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {scope(c)}
                      </Typography.Text>
                    </Space>
                    <Typography.Text
                      type="secondary"
                      style={{ fontSize: 12 }}
                    >{`${when(c.opensAt)} – ${when(c.closesAt)}`}</Typography.Text>
                    {c.state !== "draft" && <RateBar rate={c.rate} width={200} responded={c.responded} eligible={c.eligible} />}
                  </Space>
                )}
              </div>
            ),
          },
          { title: t("admin.fields.state"), dataIndex: "state", responsive: ["md"], render: (s: string) => <StateTag state={s} /> },
          {
            title: t("admin.fields.scope"),
            key: "scope",
            responsive: ["md"],
            render: (_, c) => <div style={{ whiteSpace: "normal", maxWidth: 180 }}>{scope(c)}</div>,
          },
          {
            title: t("admin.fields.window"),
            key: "window",
            responsive: ["md"],
            render: (_, c) => (
              <div style={{ fontSize: 13 }}>
                <div>{when(c.opensAt)}</div>
                <div>{t("admin.fields.to", { when: when(c.closesAt) })}</div>
              </div>
            ),
          },
          {
            title: t("admin.fields.targets"),
            dataIndex: "targets",
            align: "right",
            responsive: ["lg"],
            render: (n: number) => format.number(n),
          },
          {
            title: t("admin.fields.rate"),
            key: "rate",
            responsive: ["md"],
            render: (_, c) =>
              c.state === "draft" ? (
                <Typography.Text type="secondary">—</Typography.Text>
              ) : (
                <RateBar rate={c.rate} width={150} responded={c.responded} eligible={c.eligible} />
              ),
          },
        ]}
      />
    </Card>
  );
}
