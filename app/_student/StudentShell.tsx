import { getLocale, getTranslations } from "next-intl/server";
import Link from "next/link";
import type { ReactNode } from "react";
import { currentUser } from "@/server/api/server";
import { SessionKeepAlive } from "../_components/SessionKeepAlive";
import { LocaleButton, SignOutButton } from "./controls";
import "./student.css";

/**
 * The student's pages (a student's home, the answer form): a light layout for phones,
 * often inside WeChat's browser. Server-rendered with plain elements and one small CSS
 * file (student.css); the only client code is the language switch, sign-out, the session
 * keep-alive and what each page needs itself. No Ant Design, no message catalogue in the
 * browser (texts are rendered here, or handed to client components as strings), no tRPC
 * client.
 */
export async function StudentShell({ children }: { children: ReactNode }) {
  const [user, locale, tc] = await Promise.all([currentUser(), getLocale(), getTranslations("common")]);
  const roles = [...new Set(user?.roles.map((r) => r.role) ?? [])];
  return (
    <div className="s-app">
      <header className="s-header">
        <Link href="/home" className="s-brand">
          {tc("appShort")}
        </Link>
        <div className="s-tools">
          <LocaleButton label={tc("language")} next={locale === "zh" ? "en" : "zh"} />
          {user && (
            <details className="s-user">
              <summary data-testid="user-menu" aria-label={user.name}>
                <span className="s-avatar" aria-hidden="true">
                  {user.name.slice(-2)}
                </span>
                <span className="s-user__name">{user.name}</span>
              </summary>
              <div className="s-user__panel">
                <div>
                  {user.name}（{user.number}）
                </div>
                <div className="s-tags">
                  {roles.map((r) => (
                    <span key={r} className="s-tag">
                      {tc(`roles.${r}`)}
                    </span>
                  ))}
                </div>
                <SignOutButton label={tc("signOut")} />
              </div>
            </details>
          )}
        </div>
      </header>
      <SessionKeepAlive />
      <main className="s-main">{children}</main>
    </div>
  );
}
