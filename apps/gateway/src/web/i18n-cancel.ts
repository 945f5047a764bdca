/** Strings of the progress page's cancel button (issue 21), merged into the dictionaries in i18n.ts. */
export const cancelRu = {
  'cancel.button': 'Отменить',
  'cancel.hint': 'Отмена остановит генерацию; картинки этого запроса не будут списаны.',
  'cancel.requested': 'Отмена запрошена: генерация остановится через мгновение.',
  'cancel.done': 'Генерация отменена, картинки не списаны.',
  'cancel.tooLate': 'Отменить уже нельзя: генерация завершилась.',
} as const;

export const cancelEn: Record<keyof typeof cancelRu, string> = {
  'cancel.button': 'Cancel',
  'cancel.hint': 'Cancelling stops the generation; no images of this request are charged.',
  'cancel.requested': 'Cancel requested: the generation stops in a moment.',
  'cancel.done': 'The generation was cancelled; no images were charged.',
  'cancel.tooLate': 'Too late to cancel: the generation has finished.',
};
