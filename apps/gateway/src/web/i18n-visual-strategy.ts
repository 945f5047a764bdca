/** Visual search: the learned strategy and which strategy ranked the results (issue 18), merged in i18n.ts. */
export const visualStrategyRu = {
  'vs.strategy.discriminative': 'Чем понравившиеся отличаются от непонравившихся: модель учится на ваших примерах',
  'vs.usedStrategy': 'Как ранжировали: {strategy}.',
  'vs.usedStrategy.discriminative': 'чем понравившиеся отличаются от непонравившихся',
  'vs.usedStrategy.average_vector': 'общий образ понравившихся минус непонравившиеся',
  'vs.usedStrategy.best_score': 'лучшее совпадение с одним из понравившихся фото',
} as const;

export const visualStrategyEn: Record<keyof typeof visualStrategyRu, string> = {
  'vs.strategy.discriminative': 'What sets the likes apart from the dislikes: a model learned from your examples',
  'vs.usedStrategy': 'Ranked by: {strategy}.',
  'vs.usedStrategy.discriminative': 'what sets the likes apart from the dislikes',
  'vs.usedStrategy.average_vector': 'the overall look of the likes minus the dislikes',
  'vs.usedStrategy.best_score': 'the best match with any one liked photo',
};
