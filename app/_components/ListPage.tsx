"use client";
import { Card, Input, Select, Space, Table, Typography, type TableColumnsType } from "antd";
import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import type { ReactNode } from "react";
import { useTRPC } from "./trpc";

export type ListParams = { page: number; pageSize: number; q?: string; unitId?: number; [k: string]: string | number | undefined };

/** List state kept in the URL, so refresh, back and shared links keep the page and filters. */
export function useListParams(extra: string[] = []): [ListParams, (patch: Partial<ListParams>) => void] {
  const sp = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const num = (k: string) => {
    const v = Number(sp.get(k));
    return Number.isInteger(v) && v > 0 ? v : undefined;
  };
  const params: ListParams = {
    page: num("page") ?? 1,
    pageSize: Math.min(num("pageSize") ?? 20, 200),
    q: sp.get("q") || undefined,
    unitId: num("unitId"),
  };
  for (const k of extra) params[k] = sp.get(k) || undefined;
  const set = (patch: Partial<ListParams>) => {
    const next = new URLSearchParams(sp.toString());
    const merged = { ...params, ...patch };
    if (!("page" in patch)) merged.page = 1;
    for (const [k, v] of Object.entries(merged)) {
      if (v === undefined || v === "" || (k === "page" && v === 1) || (k === "pageSize" && v === 20)) next.delete(k);
      else next.set(k, String(v));
    }
    router.replace(`${pathname}?${next.toString()}`, { scroll: false });
  };
  return [params, set];
}

export function UnitSelect({ value, onChange }: { value?: number; onChange: (v?: number) => void }) {
  const trpc = useTRPC();
  const t = useTranslations("admin");
  const units = useQuery(trpc.org.units.queryOptions());
  return (
    <Select
      allowClear
      showSearch={{ optionFilterProp: "label" }}
      placeholder={t("allUnits")}
      style={{ minWidth: 200 }}
      value={value}
      onChange={(v) => onChange(v ?? undefined)}
      loading={units.isLoading}
      options={(units.data ?? []).filter((u) => u.kind !== "school").map((u) => ({ value: u.id, label: u.name }))}
      data-testid="unit-select"
    />
  );
}

type Props<T> = {
  title: ReactNode;
  params: ListParams;
  setParams: (patch: Partial<ListParams>) => void;
  filters?: ReactNode;
  columns: TableColumnsType<T>;
  query: { data?: { items: T[]; total: number }; isFetching: boolean; error: { message: string } | null };
  rowKey: keyof T & string;
  testid: string;
  /** What the search box searches, when it is not the usual name, code or number. */
  searchPlaceholder?: string;
};

/** A searchable, filterable, paged table: the shape of every browse page. */
export function ListPage<T extends object>({
  title,
  params,
  setParams,
  filters,
  columns,
  query,
  rowKey,
  testid,
  searchPlaceholder,
}: Props<T>) {
  const t = useTranslations("admin");
  const tc = useTranslations("common");
  return (
    <Card
      title={
        <Typography.Title level={4} style={{ margin: 0 }}>
          {title}
        </Typography.Title>
      }
      styles={{ body: { paddingTop: 12 } }}
    >
      <Space wrap style={{ marginBottom: 12, width: "100%" }}>
        <Input.Search
          allowClear
          defaultValue={params.q}
          placeholder={searchPlaceholder ?? t("searchPlaceholder")}
          onSearch={(q) => setParams({ q: q.trim() || undefined })}
          style={{ width: 280, maxWidth: "100%" }}
          data-testid="list-search"
          enterButton
        />
        {filters}
      </Space>
      {query.error && (
        <Typography.Text type="danger" data-testid="list-error">
          {query.error.message}
        </Typography.Text>
      )}
      <Table<T>
        data-testid={testid}
        rowKey={rowKey}
        size="middle"
        columns={columns}
        dataSource={query.data?.items ?? []}
        loading={query.isFetching}
        scroll={{ x: "max-content" }}
        pagination={{
          current: params.page,
          pageSize: params.pageSize,
          total: query.data?.total ?? 0,
          showSizeChanger: true,
          pageSizeOptions: [20, 50, 100],
          showTotal: (n) => tc("total", { count: n }),
          onChange: (page, pageSize) => setParams({ page, pageSize }),
          size: "small",
        }}
      />
    </Card>
  );
}
