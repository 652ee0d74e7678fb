// Types shared by the survey form and its users. Type-only: importing this file pulls
// nothing of survey-core into a page's JavaScript.

/** The app's languages; the form maps them to SurveyJS locales ("zh-cn", "en"). */
export type SurveyLocale = "zh" | "en";

/** Plain SurveyJS JSON whose strings are { "default": Chinese, "en": English }. */
export type SurveyJson = Record<string, unknown>;

/** Answers as SurveyJS collects them: question name → value. */
export type SurveyAnswers = Record<string, unknown>;

/** An error the server found; `question` is a question name, possibly with a matrix row ("q.row"). */
export type ServerQuestionError = { question: string; message: string; code?: string };

export type CompleteResult = { ok: true } | { ok: false; errors: ServerQuestionError[]; message?: string };

/** The form's own texts, in the page's language (respond.draftRestored, .submitFailed, .serverRejected with {count}, .tooLong with {max} and {length}). */
export type SurveyTexts = { draftRestored: string; submitFailed: string; serverRejected: string; tooLong: string };

/**
 * Answers given before the form mounted, on a plain copy of its first page (the answer page's,
 * server/instruments/plain.ts). The form takes them as answers when it makes its model, and
 * again in the frame it shows, so that nothing tapped in between is lost; then the copy hides.
 */
export type EarlyAnswers = {
  /** What was answered so far (question name → value). */
  read: () => SurveyAnswers;
  /** The question whose control has the focus, if any: the form gives the same control the focus. */
  focused: () => string | null;
  /** The copy's navigation button the respondent tapped ("next page" or "complete"), if any: the form carries it out, validating as SurveyJS does. */
  navRequested: () => "next" | "complete" | null;
  /** Called in the frame the form shows (before it is painted): the copy hides then. */
  onShown: () => void;
};

export type SurveyFormProps = {
  /** Texts the form shows around SurveyJS (useSurveyTexts() in pages with the message catalogue). */
  texts: SurveyTexts;
  /** The SurveyJS JSON (the instrument file's `survey`). */
  survey: SurveyJson;
  /** Language to show: Chinese ("default" strings, SurveyJS zh-cn UI) or English. Changing it keeps the answers. */
  locale: SurveyLocale;
  /** "respond" for real answers, "preview" for a trial run (never keeps a draft). Looks the same either way. */
  mode?: "respond" | "preview";
  /**
   * When set (respond mode), answers are kept in this device's localStorage on every change and restored on
   * return; cleared on successful completion. Drafts never leave the device. Make the key name the exact
   * instrument version and assignment (e.g. `${campaignId}:${versionId}:${sectionId}`), so that a draft is
   * never restored into another version's form.
   */
  draftKey?: string;
  /**
   * Called when the respondent completes the form. Resolve { ok: true } to show the completed page;
   * { ok: false, errors } keeps the form open and shows each error at its question. Should not throw;
   * a thrown error is shown above the form and the form stays open.
   */
  onComplete: (answers: SurveyAnswers) => Promise<CompleteResult>;
  /** Answers given on a plain copy of the first page before the form mounted (no skeleton is shown meanwhile: the copy is). */
  early?: EarlyAnswers;
};
