# Step 1 of the article (../shared/seed/real-time-ai-guide.txt), unchanged
# except for the indentation the text lost.
from confluent_kafka import Producer
import json
conf = {'bootstrap.servers': 'localhost:9092'}
producer = Producer(conf)
def delivery_report(err, msg):
    if err is not None:
        print(f'Message delivery failed: {err}')
    else:
        print(f'Message delivered to {msg.topic()} [{msg.partition()}]')
# Example: Send transaction data to Kafka
def send_transaction(transaction_data):
    producer.produce('transactions',
                     json.dumps(transaction_data).encode('utf-8'),
                     callback=delivery_report)
    producer.flush()
