#include "broker/topic/topic_table.h"

#include <stdlib.h>

#include <string>

#include "broker/topic/topic_manifest.h"
#include "gtest/gtest.h"

namespace rtai::broker {
namespace {

class TopicTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/rtai_topic_table_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { (void)fs_->DeleteDirRecursive(dir_); }

  static TopicMetadata Meta(const std::string& name, int partitions) {
    TopicMetadata m;
    m.name = name;
    m.topic_id[0] = 42;
    m.partition_count = partitions;
    m.created_ms = 5;
    for (int i = 0; i < partitions; ++i) {
      m.partitions.push_back({PartitionId(i), NodeId(0), LeaderEpoch(0)});
    }
    return m;
  }

  FileSystem* fs_ = DefaultFileSystem();
  std::string dir_;
};

TEST_F(TopicTableTest, CreatedTopicsSurviveReopen) {
  {
    auto t = TopicTable::Open(fs_, dir_);
    ASSERT_TRUE(t.ok()) << t.status();
    ASSERT_TRUE((*t)->Create(Meta("b", 2)).ok());
    ASSERT_TRUE((*t)->Create(Meta("a", 1)).ok());
    EXPECT_EQ((*t)->Create(Meta("a", 3)).code(),
              absl::StatusCode::kAlreadyExists);
    EXPECT_EQ((*t)->total_partitions(), 3);
  }
  auto t = TopicTable::Open(fs_, dir_);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ((*t)->Names(), (std::vector<std::string>{"a", "b"}));
  ASSERT_NE((*t)->Find("b"), nullptr);
  EXPECT_EQ((*t)->Find("b")->partition_count, 2);
  EXPECT_EQ((*t)->Find("b")->topic_id[0], 42);
  EXPECT_EQ((*t)->Find("c"), nullptr);
}

TEST_F(TopicTableTest, DeleteRemovesDirectoryAndSurvivesReopen) {
  auto t = TopicTable::Open(fs_, dir_);
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE((*t)->Create(Meta("gone", 1)).ok());
  ASSERT_TRUE(fs_->CreateDirs((*t)->PartitionDir("gone", 0)).ok());
  ASSERT_TRUE((*t)->Delete("gone").ok());
  EXPECT_FALSE(fs_->Exists((*t)->TopicDir("gone")));
  EXPECT_EQ((*t)->Delete("gone").code(), absl::StatusCode::kNotFound);
  auto t2 = TopicTable::Open(fs_, dir_);
  ASSERT_TRUE(t2.ok());
  EXPECT_TRUE((*t2)->Names().empty());
}

TEST_F(TopicTableTest, UpdateRewritesManifestButNotIdentity) {
  {
    auto t = TopicTable::Open(fs_, dir_);
    ASSERT_TRUE((*t)->Create(Meta("u", 2)).ok());
    TopicMetadata m = Meta("u", 2);
    m.partitions[1].leader_epoch = LeaderEpoch(9);
    ASSERT_TRUE((*t)->Update(m).ok());
    EXPECT_EQ((*t)->Update(Meta("other", 1)).code(),
              absl::StatusCode::kNotFound);
    EXPECT_EQ((*t)->Update(Meta("u", 3)).code(),
              absl::StatusCode::kInvalidArgument);
  }
  auto t = TopicTable::Open(fs_, dir_);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ((*t)->Find("u")->partitions[1].leader_epoch, LeaderEpoch(9));
  EXPECT_EQ((*t)->Find("u")->partition_count, 2);
}

TEST_F(TopicTableTest, OpenFinishesInterruptedDeleteAndCreate) {
  ASSERT_TRUE(fs_->CreateDirs(dir_ + "/trash/x.00.0/0").ok());
  ASSERT_TRUE(fs_->CreateDirs(dir_ + "/topics/half/0").ok());
  auto t = TopicTable::Open(fs_, dir_);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_TRUE((*t)->Names().empty());
  EXPECT_FALSE(fs_->Exists(dir_ + "/trash"));
  EXPECT_FALSE(fs_->Exists(dir_ + "/topics/half"));
}

TEST_F(TopicTableTest, CorruptManifestKeepsTheTopicAsideNamingTheFile) {
  {
    auto t = TopicTable::Open(fs_, dir_);
    ASSERT_TRUE((*t)->Create(Meta("t", 1)).ok());
    ASSERT_TRUE((*t)->Create(Meta("u", 1)).ok());
  }
  const std::string path = dir_ + "/topics/t/topic.manifest";
  auto bytes = fs_->ReadFileToString(path);
  ASSERT_TRUE(bytes.ok());
  (*bytes)[bytes->size() - 1] ^= 0x40;
  ASSERT_TRUE(fs_->WriteFileAtomically(path, *bytes).ok());
  auto t = TopicTable::Open(fs_, dir_);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ((*t)->Find("t"), nullptr);
  EXPECT_NE((*t)->Find("u"), nullptr);
  ASSERT_EQ((*t)->unreadable().count("t"), 1u);
  const absl::Status& why = (*t)->unreadable().at("t");
  EXPECT_EQ(why.code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(why.message().find(path), absl::string_view::npos) << why;
  // Not overwritten by a create; removed by a delete.
  EXPECT_EQ((*t)->Create(Meta("t", 1)).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(fs_->Exists(path));
  ASSERT_TRUE((*t)->Delete("t").ok());
  EXPECT_FALSE(fs_->Exists(dir_ + "/topics/t"));
  EXPECT_TRUE((*t)->unreadable().empty());
  EXPECT_TRUE((*t)->Create(Meta("t", 1)).ok());
}

TEST_F(TopicTableTest, ManifestInWrongDirectoryIsCorrupt) {
  ASSERT_TRUE(fs_->CreateDirs(dir_ + "/topics/other").ok());
  ASSERT_TRUE(WriteTopicManifest(fs_, dir_ + "/topics/other/topic.manifest",
                                 Meta("t", 1))
                  .ok());
  auto t = TopicTable::Open(fs_, dir_);
  ASSERT_TRUE(t.ok());
  ASSERT_EQ((*t)->unreadable().count("other"), 1u);
  EXPECT_EQ((*t)->unreadable().at("other").code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ((*t)->Find("t"), nullptr);
}

}  // namespace
}  // namespace rtai::broker
