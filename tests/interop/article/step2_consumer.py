# Step 2 of the article (../shared/seed/real-time-ai-guide.txt), unchanged
# except for the indentation the text lost. extract_features,
# alert_security_team and update_model are the user's own functions, which
# the article leaves undefined; article_test.py supplies them.
from confluent_kafka import Consumer
import joblib
import json
# Load pre-trained fraud detection model
model = joblib.load('fraud_model.pkl')
# Set up Kafka consumer
conf = {
    'bootstrap.servers': 'localhost:9092',
    'group.id': 'fraud-detection-group',
    'auto.offset.reset': 'earliest'
}
consumer = Consumer(conf)
consumer.subscribe(['transactions'])
# Process streaming transactions
while True:
    msg = consumer.poll(1.0)
    if msg is None:
        continue
    if msg.error():
        print(f"Consumer error: {msg.error()}")
        continue
    # Parse transaction data
    transaction = json.loads(msg.value().decode('utf-8'))
    # Extract features for prediction
    features = extract_features(transaction)
    # Make prediction
    fraud_probability = model.predict_proba([features])[0][1]
    # Take action based on prediction
    if fraud_probability > 0.8:
        alert_security_team(transaction, fraud_probability)
    # Update model (simplified example of online learning)
    if 'feedback' in transaction:
        update_model(model, features, transaction['feedback'])
