#!/usr/bin/env bash
# Runs the shaded jar the way spark-submit does, without a Spark installation: Spark's own
# launcher class (org.apache.spark.deploy.SparkSubmit) on a classpath of Spark's jars only (from
# the local Maven repository), the shaded jar as the application, master local[2].
#   tools/spark-submit-local.sh embed --config conf/embed.yaml --set output.path=/tmp/emb
set -euo pipefail
cd "$(dirname "$0")/.."
jar=$(ls spark-jobs/target/embedspark-spark-jobs-*-all.jar 2>/dev/null | head -1 || true)
if [[ -z "$jar" ]]; then
  ./mvnw -q -Pdist -DskipTests package
  jar=$(ls spark-jobs/target/embedspark-spark-jobs-*-all.jar | head -1)
fi
[[ -f spark-jobs/target/classpath.txt ]] || ./mvnw -q -DskipTests install
# Everything the shaded jar carries is left out, so the application's classes come from it.
spark_cp=$(tr ':' '\n' < spark-jobs/target/classpath.txt \
  | grep -v -E '/org/nd4j/|/org/bytedeco/|/ai/djl/|/info/picocli/|embedspark|flatbuffers' \
  | paste -sd:)
opens=""
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util \
    java.util.concurrent java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs \
    sun.security.action sun.util.calendar; do
  opens+=" --add-opens=java.base/$p=ALL-UNNAMED"
done
export DJL_OFFLINE=true OPT_OUT_TRACKING=true SPARK_LOCAL_IP=127.0.0.1
# shellcheck disable=SC2086
exec java -Xmx4g -XX:+IgnoreUnrecognizedVMOptions $opens -cp "$spark_cp" \
  org.apache.spark.deploy.SparkSubmit --class io.embedspark.cli.Main --master 'local[2]' \
  --conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1 \
  "$(realpath "$jar")" "$@"
