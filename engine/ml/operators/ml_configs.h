#pragma once
// Typed, validated configurations of the ML operators (docs/JOBS.md,
// "ML operators"): rolling_features, score, learn, champion_challenger,
// drift. Produced at submission by ml_validation.h (models already resolved
// through the registry and compiled), consumed by the operator factory.
// Plain values; copyable; the shared model is immutable.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/ml/champion_challenger.h"
#include "engine/ml/drift/adwin.h"
#include "engine/ml/drift/ddm.h"
#include "engine/ml/drift/distribution_tests.h"
#include "engine/ml/drift/page_hinkley.h"
#include "engine/ml/learn/ftrl.h"
#include "engine/ml/learn/hoeffding_tree.h"
#include "engine/ml/learn/sgd_logistic.h"
#include "engine/ml/registry/model_format.h"

namespace rtai::ml::ops {

// A registry model resolved at submission: never a path.
struct ModelSpec {
  std::string ref;       // as written in the job, e.g. "fraud" or "fraud@3"
  std::string resolved;  // NAME@VERSION it resolved to
  std::string sha256;    // of the model bytes
  std::shared_ptr<const LoadedModel> model;
  std::vector<int> columns;  // input column of each model feature, in order
};

// An online learner and the input columns it reads. Numeric feature i is
// coordinate i; each hashed string feature adds 1.0 at coordinate
// numeric.size() + bucket (FTRL/SGD only).
struct LearnerSpec {
  enum class Kind { kFtrl, kSgd, kHoeffding };
  Kind kind = Kind::kFtrl;
  FtrlOptions ftrl;
  SgdOptions sgd;
  HoeffdingTreeOptions tree;
  bool scale = true;  // online standard scaling of the numeric features
  std::vector<std::string> numeric_names;
  std::vector<int> numeric_columns;
  std::vector<std::string> hashed_names;
  std::vector<int> hashed_columns;
  uint32_t hash_buckets = 1024;
  uint64_t hash_seed = 0;
};

// rolling_features v1: per-key features over trailing event-time windows.
struct RollingFeaturesConfig {
  struct Window {
    std::string name;  // suffix: count_<name>, <value>_<name>
    int64_t size_ms = 0;
  };
  int key_column = -1;
  int value_column = -1;
  std::string value_name;
  std::vector<Window> windows;
  bool zscore = true;           // adds <value>_zscore
  int lat_column = -1;          // with lon: adds distance_km
  int lon_column = -1;
  uint64_t max_keys = 1000000;          // beyond: the job fails (ResourceExhausted)
  uint32_t max_events_per_key = 4096;   // oldest dropped beyond (counted)
};

// score v1: adds the model's output to every record.
struct ScoreConfig {
  ModelSpec model;
  std::string output = "score";  // multi-class: output_0 .. output_{k-1}
  int batch_rows = 256;
};

// learn v1: prequential online learning from labelled records.
struct LearnConfig {
  LearnerSpec learner;
  int label_column = -1;
  std::string output = "prediction";
};

// champion_challenger v1: input 0 events, input 1 labels (joined by id).
struct ChampionChallengerConfig {
  ModelSpec champion;
  bool challenger_is_learner = true;
  ModelSpec challenger_model;   // when !challenger_is_learner
  LearnerSpec challenger_learner;
  int id_column = -1;           // input 0
  int label_id_column = -1;     // input 1
  int label_column = -1;        // input 1: bool or 0/1 number
  ChampionChallengerOptions decision;
  int64_t label_timeout_ms = 3600000;
  int64_t retrain_every_ms = 0;  // 0 = no periodic retraining
  uint32_t retrain_last_n = 5000;
  uint32_t retrain_epochs = 1;
  bool processing_time = false;  // adds processed_at_ms (wall clock)
  uint64_t max_buffered = 2000000;
};

// drift v1: error-stream detectors and feature distribution tests.
struct DriftConfig {
  int prediction_column = -1;
  int label_column = -1;
  double threshold = 0.5;
  bool adwin = true, page_hinkley = true, ddm = true;
  AdwinOptions adwin_options;
  PageHinkleyOptions ph_options;
  DdmOptions ddm_options;
  std::vector<std::string> feature_names;
  std::vector<int> feature_columns;
  DistributionMonitorOptions monitor;
  double psi_threshold = 0.25;
  double ks_p_value = 0.001;
  uint32_t check_every = 100;
};

}  // namespace rtai::ml::ops
