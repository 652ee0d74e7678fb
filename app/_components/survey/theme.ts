// SurveyJS's Default Light theme in the app's colours (#1d4e89 = rgb 29 78 137) and font,
// on the app's page background. Used by the form (applyTheme) and by the answer page's plain
// first page (server/instruments/plain.ts), which sets the same variables on its root.
import type { ITheme } from "survey-core";
import { DefaultLight } from "survey-core/themes";

const FONT =
  '-apple-system, BlinkMacSystemFont, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", ' +
  '"Source Han Sans SC", "WenQuanYi Micro Hei", "Segoe UI", Roboto, sans-serif';

export const SURVEY_THEME: ITheme = {
  ...DefaultLight,
  cssVariables: {
    ...DefaultLight.cssVariables,
    "--sjs-primary-backcolor": "rgba(29, 78, 137, 1)",
    "--sjs-primary-backcolor-light": "rgba(29, 78, 137, 0.1)",
    "--sjs-primary-backcolor-dark": "rgba(22, 61, 108, 1)",
    "--sjs-special-green": "rgba(29, 78, 137, 1)",
    "--sjs-special-green-light": "rgba(29, 78, 137, 0.1)",
    "--sjs-general-backcolor-dim": "rgba(243, 245, 248, 1)",
    "--sjs-general-backcolor-dim-light": "rgba(248, 249, 251, 1)",
    "--sjs-general-backcolor-dim-dark": "rgba(236, 239, 244, 1)",
    "--sjs-corner-radius": "6px",
    "--sjs-font-family": FONT,
  },
};
