import { AntdRegistry } from "@ant-design/nextjs-registry";
import { NextIntlClientProvider } from "next-intl";
import { getLocale, getMessages } from "next-intl/server";
import type { ReactNode } from "react";
import { BEIJING_TIME_ZONE } from "@/server/kernel/time";
import { UiProviders } from "./UiProviders";

/** What the admin UI's client code needs: the message catalogue, Ant Design (zh_CN / en_US), tRPC with react-query. */
export async function AdminRoot({ children }: { children: ReactNode }) {
  const locale = await getLocale();
  const messages = await getMessages();
  return (
    <NextIntlClientProvider locale={locale} messages={messages} timeZone={BEIJING_TIME_ZONE}>
      <AntdRegistry>
        <UiProviders locale={locale === "en" ? "en" : "zh"}>{children}</UiProviders>
      </AntdRegistry>
    </NextIntlClientProvider>
  );
}
