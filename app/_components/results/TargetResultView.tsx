"use client";
import { ArrowLeftOutlined } from "@ant-design/icons";
import { useQuery } from "@tanstack/react-query";
import { Alert, Button, Card, Space, Spin } from "antd";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { useTRPC } from "../trpc";
import { TargetDetail } from "./parts";

/** One target's results page, for the results office (scoring.target) or its own teacher (scoring.myTarget). */
export function TargetResultView({
  policyId,
  targetId,
  group,
  mine,
}: {
  policyId: number;
  targetId: number;
  group: string;
  mine: boolean;
}) {
  const trpc = useTRPC();
  const t = useTranslations("results");
  const input = { policyId, targetId, raterGroup: group };
  const q = useQuery(mine ? trpc.scoring.myTarget.queryOptions(input) : trpc.scoring.target.queryOptions(input));
  return (
    <Space orientation="vertical" size={12} style={{ width: "100%" }}>
      <Link href={mine ? "/home" : "/admin/results"}>
        <Button type="link" icon={<ArrowLeftOutlined />} style={{ paddingInline: 0 }}>
          {t("detail.back")}
        </Button>
      </Link>
      {q.isLoading && (
        <Card>
          <Spin />
        </Card>
      )}
      {q.error && <Alert type="error" showIcon title={q.error.message} />}
      {q.data && <TargetDetail data={q.data} />}
    </Space>
  );
}
