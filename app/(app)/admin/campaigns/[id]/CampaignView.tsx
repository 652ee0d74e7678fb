"use client";
import { ArrowLeftOutlined } from "@ant-design/icons";
import { useQuery } from "@tanstack/react-query";
import { Card, Space, Tabs, Tag, Typography } from "antd";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useTRPC } from "../../../../_components/trpc";
import { StateTag, useMobile, type Detail } from "../_components/shared";
import { AssignmentTab } from "./AssignmentTab";
import { InvitationsTab } from "./InvitationsTab";
import { ObservationsTab } from "./ObservationsTab";
import { OverviewTab } from "./OverviewTab";
import { RatesTab } from "./RatesTab";
import { RecordsTab } from "./RecordsTab";
import { ReportsTab } from "./ReportsTab";

export type TabKey = "overview" | "assignment" | "observations" | "records" | "reports" | "rates" | "invitations";

export function CampaignView({ id, initial }: { id: number; initial: Detail }) {
  const trpc = useTRPC();
  const t = useTranslations("campaigns");
  const sp = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const mobile = useMobile();
  const detail = useQuery({ ...trpc.campaigns.detail.queryOptions({ id }), initialData: initial });
  const d = detail.data;
  const c = d.campaign;

  const tabs: { key: TabKey; label: string; show: boolean }[] = [
    { key: "overview", label: t("admin.tabs.overview"), show: true },
    // Tabs only where they apply: no assignment for information officers (no targets), the
    // observation tabs only where observers take part, rates wherever raters are counted.
    { key: "assignment", label: t("admin.tabs.assignment"), show: d.manage && !d.reports },
    { key: "observations", label: t("admin.tabs.observations"), show: d.manage && d.observationsTab },
    { key: "records", label: t("admin.tabs.records"), show: d.manage && d.observationsTab && c.state !== "draft" },
    { key: "reports", label: t("admin.tabs.reports"), show: d.reports && c.state !== "draft" },
    { key: "rates", label: t("admin.tabs.rates"), show: !d.reports },
    { key: "invitations", label: t("admin.tabs.invitations"), show: d.manage && d.tracking },
  ];
  const shown = tabs.filter((x) => x.show);
  const wanted = sp.get("tab");
  const active = shown.find((x) => x.key === wanted)?.key ?? "overview";
  const go = (key: string) => {
    const next = new URLSearchParams(sp.toString());
    if (key === "overview") next.delete("tab");
    else next.set("tab", key);
    router.replace(`${pathname}${next.size ? `?${next.toString()}` : ""}`, { scroll: false });
  };

  const body = (key: TabKey) => {
    switch (key) {
      case "overview":
        return <OverviewTab detail={d} onTab={go} />;
      case "assignment":
        return <AssignmentTab detail={d} />;
      case "observations":
        return <ObservationsTab detail={d} />;
      case "records":
        return <RecordsTab detail={d} />;
      case "reports":
        return <ReportsTab detail={d} />;
      case "rates":
        return <RatesTab detail={d} />;
      case "invitations":
        return <InvitationsTab detail={d} />;
    }
  };

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Link href="/admin/campaigns">
        <ArrowLeftOutlined /> {t("admin.list.title")}
      </Link>
      <Card
        styles={{ body: { paddingTop: 8 } }}
        title={
          <div style={{ whiteSpace: "normal", padding: "8px 0" }}>
            <Typography.Title level={4} style={{ margin: 0 }} data-testid="campaign-name">
              {c.name}
            </Typography.Title>
            <Space size={4} wrap style={{ marginTop: 4 }}>
              <StateTag state={c.state} />
              <Tag>{t(`kinds.${c.kind}`)}</Tag>
              {!d.manage && <Tag data-testid="follow-tag">{t("admin.list.follow")}</Tag>}
            </Space>
          </div>
        }
      >
        {!d.manage && <Typography.Paragraph type="secondary">{t("admin.detail.followIntro")}</Typography.Paragraph>}
        <Tabs
          activeKey={active}
          onChange={go}
          data-testid="campaign-tabs"
          destroyOnHidden
          size={mobile ? "small" : "middle"}
          tabBarGutter={mobile ? 16 : undefined}
          items={shown.map((x) => ({ key: x.key, label: <span data-testid={`tab-${x.key}`}>{x.label}</span>, children: body(x.key) }))}
        />
      </Card>
    </Space>
  );
}
