import { getFormatter, getLocale, getMessages, getTranslations } from "next-intl/server";
import { serverApi, currentUser } from "@/server/api/server";
import { localName } from "@/server/shared/i18n/names";
import { TokenTransfer, type TransferTexts } from "../_components/respond/TokenTransfer";
import { PendingList, type PendingTexts } from "./PendingList";

/**
 * A student's home, rendered on the server: greeting, the evaluations to do and moving them
 * to another device (the client parts: they read this device's tokens), this term's courses. Each part is one
 * section of `.s-stack`; another part drops in as another section.
 */
export async function StudentHome() {
  const api = await serverApi();
  const [user, home, pending, locale, messages, t, tc, tp, fmt, youSaid, ti] = await Promise.all([
    currentUser(),
    api.me.home(),
    api.respond.pending(),
    getLocale(),
    getMessages(),
    getTranslations("home"),
    getTranslations("common"),
    getTranslations("respond.pending"),
    getFormatter(),
    api.improvement.youSaidWeDid(),
    getTranslations("improvement.page"),
  ]);
  const fixed = [...youSaid.courses, ...youSaid.programmes];
  const roles = [...new Set(user?.roles.map((r) => r.role) ?? [])];
  const { pending: texts, transfer: transferTexts } = (messages as { respond: { pending: PendingTexts; transfer: TransferTexts } }).respond;
  const campaigns = pending.map((c) => ({
    campaignId: c.campaignId,
    name: c.name,
    closes: tp("closes", { date: fmt.dateTime(c.closesAt, { dateStyle: "medium", timeStyle: "short" }) }),
    targets: c.targets.map((x) => ({
      targetId: x.targetId,
      issued: x.issued,
      courseName: localName(locale, x.courseName, x.courseNameEn),
      teacherName: x.teacherName,
      sectionCode: x.sectionCode,
    })),
  }));

  return (
    <div className="s-stack">
      <section className="s-card">
        <h1 className="s-title">{t("greeting", { name: user?.name ?? "" })}</h1>
        <div className="s-line">
          <span className="s-muted">
            {t("rolesLine")}
            {tc("colon")}
          </span>
          {roles.map((r) => (
            <span className="s-tag s-tag--blue" key={r}>
              {tc(`roles.${r}`)}
            </span>
          ))}
        </div>
        <p className="s-muted s-line">{home.term ? t("currentTerm", { term: home.term.code }) : t("noTerm")}</p>
      </section>

      <PendingList campaigns={campaigns} texts={texts} locale={locale === "en" ? "en" : "zh"} />

      <TokenTransfer texts={transferTexts} />

      {fixed.length > 0 && (
        <section className="s-card" data-testid="you-said">
          <h2 className="s-card__title">{ti("youSaid")}</h2>
          <p className="s-muted">{ti("youSaidHint")}</p>
          <ul className="s-list">
            {fixed.map((g) => (
              <li key={g.name} className="s-item">
                <div className="s-item__main">
                  <div className="s-item__title">{localName(locale, g.name, g.nameEn)}</div>
                  {g.items.map((i, k) => (
                    <div key={k} className="s-muted s-item__meta">
                      <span>{i.summary}</span>
                      <span>{i.closedOn}</span>
                    </div>
                  ))}
                </div>
              </li>
            ))}
          </ul>
        </section>
      )}

      <section className="s-card">
        <h2 className="s-card__title">
          {t("studying")} <span className="s-tag">{home.studying.length}</span>
        </h2>
        <p className="s-muted">{t("studyingHint")}</p>
        {home.studying.length === 0 ? (
          <p className="s-empty">{t("studyingEmpty")}</p>
        ) : (
          <ul className="s-list" data-testid="studying">
            {home.studying.map((s) => (
              <li key={s.code} className="s-item">
                <div className="s-item__main">
                  <div className="s-item__title">{localName(locale, s.courseName, s.courseNameEn)}</div>
                  <div className="s-muted s-item__meta">
                    <span>{s.code}</span>
                    {s.teachers && <span>{s.teachers}</span>}
                    {s.schedule && <span>{s.schedule}</span>}
                  </div>
                </div>
                <span className="s-tag">{t("enrolled", { count: s.enrolled })}</span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
