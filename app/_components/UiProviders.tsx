"use client";
import { App, ConfigProvider } from "antd";
import enUS from "antd/locale/en_US";
import zhCN from "antd/locale/zh_CN";
import "dayjs/locale/zh-cn";
import type { ReactNode } from "react";
import { TrpcProviders } from "./trpc";

export function UiProviders({ locale, children }: { locale: "zh" | "en"; children: ReactNode }) {
  return (
    <ConfigProvider
      locale={locale === "en" ? enUS : zhCN}
      theme={{
        token: { colorPrimary: "#1d4e89", borderRadius: 6 },
        components: { Menu: { itemSelectedBg: "#e6eef8", itemSelectedColor: "#1d4e89" } },
      }}
    >
      <App>
        <TrpcProviders>{children}</TrpcProviders>
      </App>
    </ConfigProvider>
  );
}
