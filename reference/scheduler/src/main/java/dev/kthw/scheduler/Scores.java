package dev.kthw.scheduler;

import java.util.Map;

/**
 * The score normalization several plugins share (kube-scheduler's
 * {@code DefaultNormalizeScore}): the best raw score becomes {@link Plugin.Score#MAX_SCORE}
 * and the others scale with it; {@code reverse} flips the scale for plugins whose raw
 * score counts something bad (untolerated taints), so that fewer is better.
 */
final class Scores {

    private Scores() {
    }

    static void scaleToMax(Map<String, Long> scores, boolean reverse) {
        long max = 0;
        for (long score : scores.values()) {
            max = Math.max(max, score);
        }
        if (max == 0) {
            // Every node scored 0: nothing tells them apart. Reversed, 0 bad things is the best.
            if (reverse) {
                scores.replaceAll((node, score) -> Plugin.Score.MAX_SCORE);
            }
            return;
        }
        long top = max;
        scores.replaceAll((node, score) -> {
            long scaled = Plugin.Score.MAX_SCORE * score / top;
            return reverse ? Plugin.Score.MAX_SCORE - scaled : scaled;
        });
    }
}
