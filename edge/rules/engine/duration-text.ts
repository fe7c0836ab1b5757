/** A duration for a reason a person reads: "15 秒" / "15 s", "12 分钟" / "12 min", "3 小时" / "3 h". */
export function durationText(ms: number): { zh: string; en: string } {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 120) return { zh: `${seconds} 秒`, en: `${seconds} s` };
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return { zh: `${minutes} 分钟`, en: `${minutes} min` };
  const hours = Math.round(minutes / 6) / 10;
  return { zh: `${hours} 小时`, en: `${hours} h` };
}
