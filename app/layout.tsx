import type { Metadata, Viewport } from "next";
import { getLocale, getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import "./globals.css";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("common");
  return { title: { default: t("appName"), template: `%s · ${t("appName")}` } };
}

export const viewport: Viewport = { width: "device-width", initialScale: 1, themeColor: "#1d4e89" };

// The document only. What a page's client code needs is given by the layouts below: the
// admin UI (Ant Design, the message catalogue, tRPC) by AdminRoot in the layouts of the
// pages that use it; the student's pages (a student's home, the answer form) by the light
// StudentShell (app/_student), which loads none of that.
export default async function RootLayout({ children }: { children: ReactNode }) {
  const locale = await getLocale();
  return (
    <html lang={locale === "zh" ? "zh-CN" : "en"}>
      <body>{children}</body>
    </html>
  );
}
