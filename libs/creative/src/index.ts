export {
  BRIEF_FIELDS,
  emptyBrief,
  parseBrief,
  resolveBrief,
  type BriefField,
  type BriefText,
  type ResolvedBrief,
} from './brief';
export {
  FORMAT_PRESETS,
  chooseFormat,
  ratioOf,
  safeZoneFor,
  sizeInText,
  type FormatChoice,
  type FormatPreset,
  type SafeZone,
} from './formats';
export { WCAG_AA, contrastRatio, relativeLuminance, parseHex, toHex, type Rgb } from './contrast';
export { fontFor, measure, FONT_FILES, BRAND_FONTS, brandFont, type FontChoice, type FontRole } from './fonts';
export {
  layoutCreative,
  wrap,
  TextDoesNotFit,
  type Box,
  type FitProblem,
  type Layout,
  type PlacedText,
  type TextField,
} from './layout';
export { renderTextLayer, type LayoutRecord, type TextRecord } from './render';
export {
  matchIllustrations,
  prepareIllustrations,
  iconSvg,
  iconKeywords,
  iconAnnotations,
  type Illustration,
} from './illustrations';
export { paletteFromText, sceneKindFor, sceneSvg, SCENE_KINDS, type SceneKind, type SceneRecord } from './scene';
export {
  composeCreative,
  drawDefaultPicture,
  focalArea,
  layoutLenient,
  type CreativeRecord,
  type CreativeSpec,
} from './compose';
