#include "engine/runtime/job_runner.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "base/check.h"
#include "base/file_system.h"
#include "base/status_macros.h"
#include "engine/runtime/plan.h"
#include "engine/runtime/restore.h"

namespace rtai::engine::runtime {
namespace {

const Schema* EdgeSchema(const graph::ValidatedGraph& g, const graph::ResolvedEdge& e) {
  const graph::ResolvedNode& from = g.nodes[e.from];
  return e.output.empty() ? from.output.get() : from.side_outputs.at(e.output).get();
}

bool IsStateful(const std::string& op) {
  return op == "window_aggregate" || op == "interval_join";
}

}  // namespace

absl::Status RuntimeOptions::Validate() const {
  if (channel_capacity < 1 || channel_capacity > 4096) {
    return absl::InvalidArgumentError("channel_capacity must be in [1, 4096]");
  }
  if (source_batch_records < 1 || source_batch_records > 1 << 20) {
    return absl::InvalidArgumentError("source_batch_records must be in [1, 2^20]");
  }
  if (exactly_once && (txn_client == nullptr || checkpoint.dir.empty())) {
    return absl::FailedPreconditionError(
        "exactly-once sinks need broker transactions and checkpoints (checkpoint.interval_ms > 0)");
  }
  return absl::OkStatus();
}

JobRunner::JobRunner(std::shared_ptr<const graph::ValidatedGraph> graph, RuntimeOptions options)
    : graph_(std::move(graph)), options_(std::move(options)) {
  if (options_.clock == nullptr) options_.clock = SystemClock();
  start_ns_ = options_.clock->MonotonicNanos();
}

absl::StatusOr<std::unique_ptr<JobRunner>> JobRunner::Start(
    std::shared_ptr<const graph::ValidatedGraph> graph, RuntimeOptions options,
    OperatorFactory factory) {
  RETURN_IF_ERROR(options.Validate());
  if (options.restore.has_value()) {
    RETURN_IF_ERROR(CheckRestoreCompatible(*graph, options.restore->manifest));
  }
  std::unique_ptr<JobRunner> runner(new JobRunner(std::move(graph), std::move(options)));
  RETURN_IF_ERROR(runner->Build(factory));
  JobRunner* r = runner.get();
  if (r->options_.scheduler != nullptr) {
    r->scheduler_ = r->options_.scheduler;
  } else {
    r->own_scheduler_ = std::make_unique<TaskScheduler>();
    r->scheduler_ = r->own_scheduler_.get();
  }
  if (r->coordinator_ != nullptr) {
    // Tasks waiting for input deliver NotifyCheckpointComplete when woken.
    r->coordinator_->SetOnComplete([r] {
      for (auto& t : r->tasks_) t->Wake();
    });
  }
  r->running_ = static_cast<int>(r->tasks_.size());
  r->started_ = true;
  CHECK(!r->tasks_.empty());  // a valid graph has a node
  for (auto& task : r->tasks_) r->scheduler_->Submit(task.get());
  if (r->coordinator_ != nullptr) r->ticker_ = std::thread([r] { r->RunTicker(); });
  return runner;
}

absl::StatusOr<std::unique_ptr<Task>> JobRunner::CreateTask(const std::vector<int>& nodes,
                                                           int parallelism, int subtask,
                                                           const OperatorFactory& factory) {
  const graph::ValidatedGraph& g = *graph_;
  const graph::ResolvedNode& head = g.nodes[nodes[0]];
  TaskSetup setup;
  setup.name = absl::StrCat(head.uid, "[", subtask, "]");
  setup.head_uid = head.uid;
  setup.subtask = subtask;
  setup.coordinator = coordinator_.get();
  setup.index = static_cast<int>(tasks_.size());
  bool stateful = false;
  for (int n : nodes) {
    if (IsStateful(g.nodes[n].op) && setup.state_uid.empty()) setup.state_uid = g.nodes[n].uid;
    stateful |= IsStateful(g.nodes[n].op);
  }
  const LoadedCheckpoint* restore = options_.restore ? &*options_.restore : nullptr;
  if (stateful) {
    if (options_.state_dir.empty()) return absl::InvalidArgumentError("state_dir is required");
    state::KeyedStateOptions so;
    so.dir = JoinPath(options_.state_dir, absl::StrCat(head.uid, "-", subtask));
    so.max_parallelism = static_cast<uint32_t>(g.max_parallelism);
    so.clock = options_.clock;
    std::error_code ec;
    std::filesystem::remove_all(so.dir, ec);  // the live state is rebuilt from a checkpoint
    std::filesystem::create_directories(options_.state_dir, ec);
    if (ec) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot create state dir ", options_.state_dir, ": ", ec.message()));
    }
    const TaskStateEntry* t =
        restore != nullptr ? FindTaskState(restore->manifest, setup.state_uid, subtask) : nullptr;
    if (t != nullptr) {
      RETURN_IF_ERROR(CopyCheckpointTree(JoinPath(restore->dir, t->db_dir), so.dir));
    }
    ASSIGN_OR_RETURN(setup.state, state::KeyedStateBackend::Open(so));
  }
  for (int n : nodes) {
    ASSIGN_OR_RETURN(std::unique_ptr<Operator> op, factory(g, n));
    setup.ops.push_back(std::move(op));
    OperatorContext ctx;
    ctx.uid = g.nodes[n].uid;
    ctx.subtask = subtask;
    ctx.parallelism = parallelism;
    ctx.max_parallelism = g.max_parallelism;
    ctx.max_out_of_orderness_ms = g.max_out_of_orderness_ms;
    ctx.idle_timeout_ms = g.idle_timeout_ms;
    ctx.source_batch_records = options_.source_batch_records;
    ctx.state = setup.state.get();
    ctx.client = options_.client;
    ctx.clock = options_.clock;
    ctx.model_resolver = options_.model_resolver;
    ctx.metrics = metrics_[n][subtask].get();
    ctx.txn_client = options_.txn_client;
    ctx.job_id = options_.job_id;
    ctx.exactly_once = options_.exactly_once;
    ctx.transaction_timeout_ms = options_.transaction_timeout_ms;
    ctx.ml_metrics = options_.ml_metrics;
    setup.contexts.push_back(ctx);
    setup.op_kinds.push_back(g.nodes[n].op);
    const OperatorStateEntry* os =
        restore != nullptr ? FindOperatorState(restore->manifest, ctx.uid, subtask) : nullptr;
    if (os != nullptr) {
      ASSIGN_OR_RETURN(std::string bytes,
                       DefaultFileSystem()->ReadFileToString(JoinPath(restore->dir, os->file)));
      setup.restore.push_back(std::move(bytes));
      setup.has_restore.push_back(1);
    } else {
      setup.restore.emplace_back();
      setup.has_restore.push_back(0);
    }
    setup.metrics.push_back(ctx.metrics);
  }
  if (!head.in_edges.empty()) {
    for (int e : head.in_edges) setup.num_senders += g.nodes[g.edges[e].from].parallelism;
    setup.input = std::make_unique<Channel>(setup.num_senders, options_.channel_capacity);
  }
  const size_t index = tasks_.size();
  auto on_finished = [this, index, completion = completion_] {
    if (TaskStopped(tasks_[index].get())) {
      absl::MutexLock l(&completion->mu);
      completion->done = true;  // the runner may be destroyed from here on
    }
  };
  return std::make_unique<Task>(std::move(setup), &cancelled_, std::move(on_finished));
}

absl::Status JobRunner::Build(const OperatorFactory& factory) {
  const graph::ValidatedGraph& g = *graph_;
  const Plan plan = PlanChains(g);
  if (!options_.checkpoint.dir.empty()) {
    CheckpointOptions co = options_.checkpoint;
    co.job_id = options_.job_id;
    co.clock = options_.clock;
    co.metrics = options_.engine_metrics;
    co.max_parallelism = g.max_parallelism;
    co.num_tasks = 0;
    for (const Chain& c : plan.chains) co.num_tasks += c.parallelism;
    if (options_.restore.has_value()) {
      co.first_id = std::max(co.first_id, options_.restore->manifest.checkpoint_id + 1);
    }
    RETURN_IF_ERROR(DefaultFileSystem()->CreateDirs(co.dir));
    coordinator_ = std::make_unique<CheckpointCoordinator>(std::move(co));
  }
  for (const graph::ResolvedNode& n : g.nodes) {
    metrics_.emplace_back();
    for (int s = 0; s < n.parallelism; ++s) metrics_.back().push_back(std::make_unique<OperatorMetrics>());
  }
  std::vector<std::vector<Task*>> by_chain(plan.chains.size());
  for (size_t c = 0; c < plan.chains.size(); ++c) {
    for (int s = 0; s < plan.chains[c].parallelism; ++s) {
      ASSIGN_OR_RETURN(std::unique_ptr<Task> task,
                       CreateTask(plan.chains[c].nodes, plan.chains[c].parallelism, s, factory));
      tasks_.push_back(std::move(task));
      by_chain[c].push_back(tasks_.back().get());
    }
  }
  // Exchanges: each chain tail's out edges to the consuming chain's tasks.
  for (size_t c = 0; c < plan.chains.size(); ++c) {
    const int tail = plan.chains[c].nodes.back();
    for (int e : g.nodes[tail].out_edges) {
      const graph::ResolvedEdge& edge = g.edges[e];
      const int dest = plan.chain_of_node[edge.to];
      CHECK_EQ(plan.chains[dest].nodes[0], edge.to);
      std::vector<Channel*> targets;
      for (Task* t : by_chain[dest]) targets.push_back(t->input());
      int base = 0;
      for (int in : g.nodes[edge.to].in_edges) {
        if (in == e) break;
        base += g.nodes[g.edges[in].from].parallelism;
      }
      for (int s = 0; s < plan.chains[c].parallelism; ++s) {
        ASSIGN_OR_RETURN(auto x, Exchange::Create(edge, EdgeSchema(g, edge), targets, s, base + s,
                                                  g.max_parallelism));
        by_chain[c][s]->setup().exchanges.push_back(std::move(x));
      }
    }
  }
  return absl::OkStatus();
}

bool JobRunner::TaskStopped(Task* task) {
  const absl::Status& s = task->final_status();
  task->setup().metrics[0]->stopped_ns.store(std::max<int64_t>(1, options_.clock->MonotonicNanos()));
  if (!s.ok() && !absl::IsCancelled(s)) {
    {
      absl::MutexLock l(&mu_);
      if (state_ == RunState::kRunning && failure_.ok()) failure_ = s;
    }
    cancelled_ = true;
    StopTasks();
  }
  // A stopped task (finished, failed or cancelled) can ack no checkpoint.
  if (coordinator_ != nullptr) coordinator_->TaskFinished();
  // The last touch of the runner by all but the last task.
  if (running_.fetch_sub(1) != 1) return false;
  absl::MutexLock l(&mu_);
  state_ = !failure_.ok()       ? RunState::kFailed
           : cancel_requested_ ? RunState::kCanceled
                               : RunState::kFinished;
  return true;
}

void JobRunner::StopTasks() {
  absl::MutexLock l(&release_mu_);  // Release() must not free the tasks meanwhile
  for (auto& t : tasks_) {
    if (t->input() != nullptr) t->input()->Close();
  }
  for (auto& t : tasks_) t->Wake();
}

void JobRunner::Cancel() {
  {
    absl::MutexLock l(&mu_);
    if (state_ != RunState::kRunning) return;
    cancel_requested_ = true;
  }
  cancelled_ = true;
  StopTasks();
}

RunState JobRunner::Wait() {
  if (started_) {
    absl::MutexLock l(&completion_->mu);
    completion_->mu.Await(absl::Condition(&completion_->done));
  }
  return state();
}

JobRunner::~JobRunner() {
  Cancel();
  Wait();
  if (!stop_ticker_.HasBeenNotified()) stop_ticker_.Notify();
  if (ticker_.joinable()) ticker_.join();
}

void JobRunner::Release() {
  Wait();
  if (!stop_ticker_.HasBeenNotified()) stop_ticker_.Notify();
  if (ticker_.joinable()) ticker_.join();
  absl::MutexLock l(&release_mu_);
  tasks_.clear();
}

void JobRunner::RunTicker() {
  while (!stop_ticker_.WaitForNotificationWithTimeout(absl::Milliseconds(5))) {
    const bool stopped = running_.load() == 0;
    coordinator_->Tick();  // once more after the job stopped: aborts what was in flight
    if (stopped) break;
  }
}

absl::StatusOr<CheckpointStats> JobRunner::TriggerCheckpoint(bool savepoint,
                                                            absl::Duration timeout) {
  if (coordinator_ == nullptr) return absl::FailedPreconditionError("checkpointing is off");
  if (state() != RunState::kRunning) {
    return absl::FailedPreconditionError("the job is not running");
  }
  ASSIGN_OR_RETURN(int64_t id, coordinator_->TriggerNow(savepoint));
  return coordinator_->Await(id, timeout);
}

RunState JobRunner::state() const {
  absl::MutexLock l(&mu_);
  return state_;
}

absl::Status JobRunner::status() const {
  absl::MutexLock l(&mu_);
  return failure_;
}

std::vector<NodeMetrics> JobRunner::Metrics() const {
  std::vector<NodeMetrics> out;
  const double elapsed = static_cast<double>(options_.clock->MonotonicNanos() - start_ns_) + 1;
  for (size_t n = 0; n < graph_->nodes.size(); ++n) {
    const graph::ResolvedNode& node = graph_->nodes[n];
    NodeMetrics m;
    m.uid = node.uid;
    m.op = node.op;
    m.parallelism = node.parallelism;
    m.watermark = kMaxWatermark;
    double blocked = 0;
    for (const auto& s : metrics_[n]) {
      m.records_in += s->records_in.load();
      m.records_out += s->records_out.load();
      m.records_dropped += s->records_dropped.load();
      m.watermark = std::min(m.watermark, s->watermark.load());
      blocked += static_cast<double>(s->blocked_ns.load());
    }
    m.backpressure = blocked / (elapsed * node.parallelism);
    out.push_back(m);
  }
  return out;
}

std::vector<TaskTimes> JobRunner::Tasks() const {
  std::vector<TaskTimes> out;
  const int64_t now = options_.clock->MonotonicNanos();
  for (const auto& task : tasks_) {
    // contexts and metrics are fixed once Build() returns.
    const TaskSetup& setup = static_cast<const Task&>(*task).setup();
    const OperatorMetrics* head = setup.metrics.front();
    TaskTimes t;
    t.uid = setup.contexts.front().uid;
    t.subtask = setup.contexts.front().subtask;
    const int64_t stopped = head->stopped_ns.load();
    t.running = stopped == 0;
    t.elapsed_ns = std::max<int64_t>(0, (t.running ? now : stopped) - start_ns_);
    t.idle_ns = head->idle_ns.load();
    t.backpressured_ns = setup.metrics.back()->blocked_ns.load();
    t.busy_ns = std::max<int64_t>(0, t.elapsed_ns - t.idle_ns - t.backpressured_ns);
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<size_t> JobRunner::InputHighWater() const {
  std::vector<size_t> out;
  for (const auto& task : tasks_) {
    const Channel* in = static_cast<const Task&>(*task).setup().input.get();
    out.push_back(in == nullptr ? 0 : in->high_water());
  }
  return out;
}

}  // namespace rtai::engine::runtime
