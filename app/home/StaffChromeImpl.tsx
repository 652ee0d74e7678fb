"use client";
import { AntdRegistry } from "@ant-design/nextjs-registry";
import { NextIntlClientProvider, type AbstractIntlMessages, type Locale } from "next-intl";
import type { ReactNode } from "react";
import { BEIJING_TIME_ZONE } from "@/server/kernel/time";
import { AppShell } from "../_components/AppShell";
import type { NavItem } from "../_components/pages";
import { SessionKeepAlive } from "../_components/SessionKeepAlive";
import { UiProviders } from "../_components/UiProviders";

type Props = {
  locale: Locale;
  messages: AbstractIntlMessages;
  user: { name: string; number: string; roles: string[] };
  nav: NavItem[];
  children: ReactNode;
};

/** AdminRoot and the (app) layout's shell, as one client component (loaded by StaffChrome.tsx). */
export default function StaffChromeImpl({ locale, messages, user, nav, children }: Props) {
  return (
    <NextIntlClientProvider locale={locale} messages={messages} timeZone={BEIJING_TIME_ZONE}>
      <AntdRegistry>
        <UiProviders locale={locale === "en" ? "en" : "zh"}>
          <AppShell user={user} nav={nav}>
            <SessionKeepAlive />
            {children}
          </AppShell>
        </UiProviders>
      </AntdRegistry>
    </NextIntlClientProvider>
  );
}
