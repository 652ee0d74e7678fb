import { notFound } from "next/navigation";
import { getLocale, getMessages, getTranslations } from "next-intl/server";
import Link from "next/link";
import { serverApi } from "@/server/api/server";
import { localName } from "@/server/shared/i18n/names";
import { RespondForm, type RespondTexts } from "../../../_student/RespondForm";
import { parseId } from "@/server/kernel/ids";
import { plainFirstPage } from "@/server/instruments/plain";
import { SURVEY_THEME } from "../../../_components/survey/theme";

export async function generateMetadata() {
  return { title: (await getTranslations("respond.pending"))("title") };
}

/**
 * One evaluation: the campaign, the target and the form's JSON come with the page; the form
 * runs in the browser. Its first page also comes as plain HTML, answerable before SurveyJS
 * has loaded (server/instruments/plain.ts).
 */
export default async function RespondPage({ params }: { params: Promise<{ campaignId: string; targetId: string }> }) {
  const p = await params;
  const [campaignId, targetId] = [parseId(p.campaignId) ?? notFound(), parseId(p.targetId) ?? notFound()];
  const api = await serverApi();
  const [pending, locale, messages, t] = await Promise.all([
    api.respond.pending(),
    getLocale(),
    getMessages(),
    getTranslations("respond.form"),
  ]);
  const campaign = pending.find((c) => c.campaignId === campaignId);
  const target = campaign?.targets.find((x) => x.targetId === targetId);
  if (!campaign || !target) {
    return (
      <div className="s-stack">
        <Link href="/home" className="s-back">
          ← {t("back")}
        </Link>
        <p className="s-note s-note--warning" role="alert">
          {t("notFound")}
        </p>
      </div>
    );
  }
  const form = await api.respond.form({ versionId: campaign.versionId });
  const r = (messages as { respond: Record<string, unknown> }).respond;
  const texts = {
    form: r.form,
    pending: r.pending,
    survey: { draftRestored: r.draftRestored, submitFailed: r.submitFailed, serverRejected: r.serverRejected, tooLong: r.tooLong },
  } as RespondTexts;
  const lang = locale === "en" ? "en" : "zh";
  return (
    <RespondForm
      campaign={{
        campaignId,
        versionId: campaign.versionId,
        targets: campaign.targets.map((x) => ({
          targetId: x.targetId,
          issued: x.issued,
          courseName: localName(locale, x.courseName, x.courseNameEn),
        })),
      }}
      target={{
        targetId,
        courseName: localName(locale, target.courseName, target.courseNameEn),
        teacherName: target.teacherName,
        sectionCode: target.sectionCode,
      }}
      survey={form.survey}
      texts={texts}
      locale={lang}
      plainHtml={plainFirstPage(form.survey, { locale: lang, cssVariables: SURVEY_THEME.cssVariables })}
    />
  );
}
